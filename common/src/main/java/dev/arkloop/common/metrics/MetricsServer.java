package dev.arkloop.common.metrics;

import dev.arkloop.common.config.HostPort;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.backends.BackendRegistries;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Serves Prometheus metrics on the node's management address ({@code ARKLOOP_METRICS_ADDR}), never on
 * the API port: exactly {@code GET /metrics}, matched on the raw path, and with a bearer token when
 * {@code ARKLOOP_METRICS_TOKEN} is set. One per process, whatever its role.
 */
public final class MetricsServer {
  private MetricsServer() {}

  public static Future<HttpServer> start(Vertx vertx, HostPort listen, String token) {
    Handler<HttpServerRequest> scrape = request -> scrape(vertx, request);
    return vertx.createHttpServer(new HttpServerOptions().setHost(listen.host()).setPort(listen.port()))
        .requestHandler(request -> handle(request, token, scrape))
        .listen();
  }

  /** The text of the registry Vert.x records into, rendered off the event loop. */
  private static void scrape(Vertx vertx, HttpServerRequest request) {
    if (!(BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry registry)) {
      refuse(request, 404, "not_found", "metrics are not enabled", null);
      return;
    }
    vertx.executeBlocking(registry::scrape, false).onComplete(scraped -> {
      if (scraped.failed()) {
        refuse(request, 500, "internal_error", "internal error", null);
        return;
      }
      request.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8").end(scraped.result());
    });
  }

  private static void handle(HttpServerRequest request, String token, Handler<HttpServerRequest> scrape) {
    if (!"/metrics".equals(request.path())) {
      refuse(request, 404, "not_found", "no such route", null);
    } else if (request.method() != HttpMethod.GET) {
      refuse(request, 405, "method_not_allowed", "method not allowed on this route", null);
    } else if (token != null && !authorized(request.getHeader("Authorization"), token)) {
      refuse(request, 401, "auth.unauthorized", "a bearer token is required",
          request.getHeader("Authorization") == null ? "missing_token" : "invalid_token");
    } else {
      scrape.handle(request);
    }
  }

  private static boolean authorized(String header, String token) {
    return header != null && MessageDigest.isEqual(header.getBytes(StandardCharsets.UTF_8),
        ("Bearer " + token).getBytes(StandardCharsets.UTF_8));
  }

  private static void refuse(HttpServerRequest request, int status, String code, String message, String reason) {
    String traceId = Ids.newTraceId();
    JsonObject details = reason == null ? new JsonObject() : new JsonObject().put("reason", reason);
    request.response().setStatusCode(status)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("X-Trace-Id", traceId);
    if (status == 401) {
      request.response().putHeader("WWW-Authenticate", "Bearer");
    }
    request.response().end(new JsonObject().put("error", code).put("code", code).put("message", message)
        .put("trace_id", traceId).put("details", details).encode());
  }
}
