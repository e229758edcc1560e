package dev.arkloop.api.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One line per request: method, path, status, duration and trace id. Health probes are not logged. */
public final class AccessLogHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger("arkloop.access");
  private static final String KEY = "arkloop.accessLogged";

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    if (ctx.get(KEY) == null && !path.equals("/healthz") && !path.equals("/readyz")) {
      ctx.put(KEY, Boolean.TRUE);
      long started = System.nanoTime();
      String method = ctx.request().method().name();
      ctx.addBodyEndHandler(done -> LOG.info("{} {} {} {}ms [trace: {}]",
          method, path, ctx.response().getStatusCode(), (System.nanoTime() - started) / 1_000_000,
          TraceIdHandler.traceId(ctx)));
    }
    ctx.next();
  }
}
