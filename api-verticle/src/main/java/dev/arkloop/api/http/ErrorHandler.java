package dev.arkloop.api.http;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.error.DomainException;
import io.vertx.core.Handler;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns failures into the error envelope {@code {error, code, message, trace_id,
 * details}}. Anything that is not an {@link ApiException} or a known HTTP failure is logged and
 * answered as a bare 500 without internals.
 */
public final class ErrorHandler implements Handler<RoutingContext> {
  private static final Logger LOG = LoggerFactory.getLogger(ErrorHandler.class);
  private final DependencyFailures dependencies;

  public ErrorHandler() {
    this(new DependencyFailures(null));
  }

  public ErrorHandler(DependencyFailures dependencies) {
    this.dependencies = dependencies;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (connectionGone(failure)) {
      // the client went away (or the edge closed a broken connection): nobody to answer, nothing to trace
      LOG.debug("connection closed during request [trace: {}, path: {}]", TraceIdHandler.traceId(ctx),
          ctx.request().path());
      return;
    }
    String traceId = TraceIdHandler.traceId(ctx);
    String unavailable = dependencies.unavailable(failure);
    ApiException error = unavailable != null ? DependencyFailures.refusal(unavailable)
        : toApiException(failure, ctx.statusCode());
    if (unavailable != null) {
      // an outage is not a bug: one line per request, no stack trace
      LOG.warn("dependency unavailable [trace: {}, method: {}, path: {}, dependency: {}, cause: {}]", traceId,
          ctx.request().method(), ctx.request().path(), unavailable, DependencyFailures.rootCause(failure));
    } else if (error.status() >= 500) {
      LOG.error("request failed [trace: {}, method: {}, path: {}]",
          traceId, ctx.request().method(), ctx.request().path(), failure);
    }
    if (ctx.response().headWritten()) {
      ctx.response().reset();
      return;
    }
    JsonObject body = envelope(error, traceId);
    if ((error.status() == 429 || error.status() == 503) && error.details().containsKey("retry_after_seconds")) {
      ctx.response().putHeader("Retry-After", String.valueOf(error.details().getValue("retry_after_seconds")));
    }
    ctx.response()
        .setStatusCode(error.status())
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .end(body.encode());
  }

  private static boolean connectionGone(Throwable failure) {
    return failure instanceof HttpClosedException
        || (failure instanceof VertxException && "Connection was closed".equals(failure.getMessage()));
  }

  public static JsonObject envelope(ApiException error, String traceId) {
    return new JsonObject()
        .put("error", error.code())
        .put("code", error.code())
        .put("message", error.getMessage())
        .put("trace_id", traceId)
        .put("details", error.details());
  }

  static ApiException toApiException(Throwable failure, int status) {
    if (failure instanceof ApiException api) {
      return api;
    }
    if (failure instanceof DomainException domain) {
      return new ApiException(statusOf(domain.kind()), domain.code(), domain.getMessage(), domain.details());
    }
    if (failure instanceof DecodeException) {
      return ApiException.unparseable(null, "request body is not valid JSON");
    }
    if (failure instanceof HttpException http) {
      return forStatus(http.getStatusCode());
    }
    if (failure == null && status > 0) {
      return forStatus(status);
    }
    return forStatus(500);
  }

  /** The one mapping of domain refusals to HTTP statuses. */
  static int statusOf(DomainException.Kind kind) {
    return switch (kind) {
      case INVALID -> 400;
      case PAYMENT_REQUIRED -> 402;
      case FORBIDDEN -> 403;
      case NOT_FOUND -> 404;
      case CONFLICT -> 409;
      case GONE -> 410;
      case UNPROCESSABLE -> 422;
      case LIMITED -> 429;
    };
  }

  private static ApiException forStatus(int status) {
    return switch (status) {
      case 400 -> new ApiException(400, "validation.error", "bad request");
      case 401 -> ApiException.unauthorized("missing_token", "authentication required");
      case 403 -> new ApiException(403, "auth.forbidden", "forbidden");
      case 404 -> new ApiException(404, "not_found", "no such route");
      case 405 -> new ApiException(405, "method_not_allowed", "method not allowed on this route");
      case 413 -> new ApiException(413, "validation.body_too_large", "request body is too large");
      case 415 -> new ApiException(415, "validation.unsupported_media_type", "unsupported content type");
      default -> status >= 400 && status < 500
          ? new ApiException(status, "validation.error", "request rejected")
          : new ApiException(500, "internal_error", "internal error");
    };
  }
}
