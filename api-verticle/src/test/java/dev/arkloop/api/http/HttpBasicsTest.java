package dev.arkloop.api.http;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.config.HostPort;
import dev.arkloop.common.metrics.MetricsServer;
import dev.arkloop.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The behaviour every endpoint inherits, through the real API verticle. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class HttpBasicsTest {
  private static Vertx productionVertx;
  private static TestClient client;

  @BeforeAll
  static void start() {
    productionVertx = ApiTestNode.newVertx();
    client = ApiTestNode.start(productionVertx).client();
  }

  @AfterAll
  static void stop() {
    Await.await(productionVertx.close());
  }

  @Test
  void healthzIsAlwaysOk() {
    HttpResponse<Buffer> response = client.get("/healthz");
    assertEquals(200, response.statusCode());
    assertEquals(new JsonObject().put("status", "ok"), response.bodyAsJsonObject());
    assertTrue(response.getHeader("X-Trace-Id").matches("[0-9a-f]{32}"));
  }

  @Test
  void readyzReportsTheSchemaVersion() {
    HttpResponse<Buffer> response = client.get("/readyz");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("ok", body.getString("status"));
    assertEquals(dev.arkloop.common.testing.TestInfra.get().schemaVersion(), body.getString("schema_version"));
  }

  @Test
  void unknownRouteIsNotFoundEnvelope() {
    assertError(client.get("/v1/no-such-thing"), 404, "not_found");
    assertError(client.get("/nowhere"), 404, "not_found");
  }

  @Test
  void wrongMethodIs405Envelope() {
    assertError(client.post("/healthz", new JsonObject()), 405, "method_not_allowed");
  }

  @Test
  void unknownColonActionIsNotFound() {
    assertError(client.post("/v1/runs/abc:explode", new JsonObject()), 404, "not_found");
  }

  @Test
  void everyResponseGetsItsOwnTraceId() {
    String first = client.get("/healthz").getHeader("X-Trace-Id");
    String second = client.get("/healthz").getHeader("X-Trace-Id");
    assertNotEquals(first, second);
  }

  @Test
  void incomingTraceIdIsIgnoredUnlessTrusted() {
    String incoming = "0123456789abcdef0123456789abcdef";
    HttpResponse<Buffer> response = client.withHeader("X-Trace-Id", incoming).get("/v1/missing");
    assertNotEquals(incoming, response.getHeader("X-Trace-Id"));
    assertNotEquals(incoming, response.bodyAsJsonObject().getString("trace_id"));
  }

  @Test
  void metricsAreServedOnTheManagementPortOnlyAndWithTheToken() {
    HttpServer server = Await.await(MetricsServer.start(productionVertx, new HostPort("127.0.0.1", 0), "scrape-secret"));
    TestClient scraper = new TestClient(productionVertx, server.actualPort());
    client.get("/healthz");
    assertEquals("missing_token", assertError(scraper.get("/metrics"), 401, "auth.unauthorized")
        .getJsonObject("details").getString("reason"));
    assertError(scraper.withBearer("wrong").get("/metrics"), 401, "auth.unauthorized");
    HttpResponse<Buffer> response = scraper.withBearer("scrape-secret").get("/metrics");
    assertEquals(200, response.statusCode());
    String text = response.bodyAsString();
    assertTrue(text.contains("vertx_http_server_requests_total"), "HTTP metrics");
    assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics");
    assertTrue(text.contains("vertx_pool"), "pool metrics");
    assertError(scraper.withBearer("scrape-secret").get("/x/../metrics"), 404, "not_found");

    assertError(client.get("/metrics"), 404, "not_found");
    assertError(client.get("/v1/%2e%2e/metrics"), 400, "validation.error");
    assertError(client.get("/v1/%2E%2E/%2e%2e/metrics"), 400, "validation.error");
    assertError(client.get("/v1/..%2fmetrics"), 400, "validation.error");
  }

  @Test
  void badlyEncodedPathIs400Envelope() {
    assertError(client.sendRaw(HttpMethod.POST, "/v1/%zz", "{"), 400, "validation.error");
    assertError(client.get("/v1/anything?limit=%%%"), 400, "validation.error");
  }

  @Test
  void trustedIncomingTraceIdIsHonouredWhenWellFormed(Vertx vertx) {
    TestClient trusting = ApiTestNode.start(vertx, dev.arkloop.common.testing.TestInfra.get().newEndpoints(),
        Map.of("ARKLOOP_TRUST_INCOMING_TRACE_ID", "1")).client();
    String incoming = "ABCDEF0123456789ABCDEF0123456789";
    HttpResponse<Buffer> response = trusting.withHeader("X-Trace-Id", incoming).get("/v1/missing");
    assertEquals(incoming.toLowerCase(), response.getHeader("X-Trace-Id"));
    assertEquals(incoming.toLowerCase(), response.bodyAsJsonObject().getString("trace_id"));

    HttpResponse<Buffer> malformed = trusting.withHeader("X-Trace-Id", "not-a-trace").get("/v1/missing");
    assertTrue(malformed.getHeader("X-Trace-Id").matches("[0-9a-f]{32}"));
  }
}
