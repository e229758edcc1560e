package dev.arkloop.api.http;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * Runs first on every request: gives it a trace id, echoed in {@code X-Trace-Id}, and rejects a
 * request target that cannot be decoded or holds dot segments ({@link RequestTarget}). An incoming id is reused only
 * when it has the right shape and either all incoming ids are trusted or it comes from a trusted proxy (the gateway).
 */
public final class TraceIdHandler implements Handler<RoutingContext> {
  public static final String HEADER = "X-Trace-Id";
  private static final String KEY = "arkloop.traceId";
  private final boolean trustIncoming;

  public TraceIdHandler(boolean trustIncoming) {
    this.trustIncoming = trustIncoming;
  }

  @Override
  public void handle(RoutingContext ctx) {
    String traceId = ctx.get(KEY);
    if (traceId == null) {
      String incoming = ctx.request().getHeader(HEADER);
      boolean trusted = incoming != null && (trustIncoming || ClientIp.fromTrustedProxy(ctx));
      traceId = trusted && Ids.isTraceId(incoming) ? incoming.toLowerCase(Locale.ROOT) : Ids.newTraceId();
      ctx.put(KEY, traceId);
    }
    // set on every pass: a reroute (colon actions) clears the response headers
    ctx.response().putHeader(HEADER, traceId);
    ApiException badTarget = RequestTarget.check(ctx.request().uri());
    if (badTarget != null) {
      ctx.fail(badTarget);
      return;
    }
    try {
      ctx.normalizedPath();
      ctx.request().params();
    } catch (IllegalArgumentException e) {
      // a bad percent-escape would otherwise blow up route matching or parameter reads further down
      ctx.fail(ApiException.invalid("path", "the request path or query is not validly percent-encoded"));
      return;
    }
    ctx.next();
  }

  /** The trace id of this request; a new one if the handler did not run (it always runs first). */
  public static String traceId(RoutingContext ctx) {
    String traceId = ctx.get(KEY);
    if (traceId == null) {
      traceId = Ids.newTraceId();
      ctx.put(KEY, traceId);
    }
    return traceId;
  }
}
