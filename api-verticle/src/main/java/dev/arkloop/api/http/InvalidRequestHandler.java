package dev.arkloop.api.http;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers requests the HTTP decoder could not read, which never reach the router: an over-long
 * request line (414), oversized headers (431), anything else malformed (400). Same error envelope
 * and {@code X-Trace-Id} as every other error, one log line, then the connection is closed since
 * what follows on it cannot be trusted.
 */
public final class InvalidRequestHandler implements Handler<HttpServerRequest> {
  private static final Logger LOG = LoggerFactory.getLogger(InvalidRequestHandler.class);

  @Override
  public void handle(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    ApiException error = forCause(cause);
    String traceId = Ids.newTraceId();
    LOG.info("malformed request refused [trace: {}, status: {}, remote: {}, cause: {}]", traceId, error.status(),
        request.remoteAddress(), cause == null ? "unknown" : cause.getClass().getSimpleName());
    request.response()
        .setStatusCode(error.status())
        .putHeader(TraceIdHandler.HEADER, traceId)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Connection", "close")
        .end(ErrorHandler.envelope(error, traceId).encode())
        .onComplete(done -> request.connection().close());
  }

  static ApiException forCause(Throwable cause) {
    if (cause instanceof TooLongHttpLineException) {
      return ApiException.invalidRequest(414, "uri_too_long", "the request line is too long");
    }
    if (cause instanceof TooLongHttpHeaderException) {
      return ApiException.invalidRequest(431, "headers_too_large", "the request headers are too large");
    }
    return ApiException.invalidRequest(400, "malformed_request", "the request is not valid HTTP");
  }
}
