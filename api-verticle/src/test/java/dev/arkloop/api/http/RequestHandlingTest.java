package dev.arkloop.api.http;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.arkloop.api.ApiRouter;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.config.ConfigLoader;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.TestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Body, parameter and failure handling through the production handler chain and failure handler,
 * with a few probe routes standing in for resource routes.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class RequestHandlingTest {
  private static TestClient client;

  @BeforeAll
  static void start(Vertx vertx) {
    ArkloopConfig config = ConfigLoader.load(Map.of("ARKLOOP_MAX_BODY_BYTES", "2048"), List.of());
    Router router = Router.router(vertx);
    ApiRouter.installCommonHandlers(router, config);
    router.post("/v1/echo").respond(ctx -> {
      RequestBody body = RequestBody.of(ctx);
      return Future.succeededFuture(new JsonObject()
          .put("name", body.string("name"))
          .put("count", body.optionalLong("count"))
          .put("flag", body.optionalBoolean("flag"))
          .put("tags", body.optionalStringList("tags")));
    });
    router.get("/v1/items/:item_id").respond(ctx ->
        Future.succeededFuture(new JsonObject().put("id", Params.pathId(ctx, "item_id").toString())));
    router.get("/v1/list").respond(ctx ->
        Future.succeededFuture(new JsonObject().put("limit", Params.limit(ctx, 50, 200))));
    router.post("/v1/things/:id/act").respond(ctx -> Future.succeededFuture(new JsonObject()
        .put("id", ctx.pathParam("id")).put("mode", ctx.request().getParam("mode"))));
    router.get("/v1/boom").respond(ctx -> {
      throw new IllegalStateException("secret internals at db.example:5432");
    });
    router.get("/v1/conflict").respond(ctx ->
        Future.failedFuture(ApiException.conflict("things.conflict", "already there")));
    ApiRouter.installErrorHandling(router);
    HttpServer server = Await.await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    client = new TestClient(vertx, server.actualPort());
  }

  @Test
  void validBodyIsRead() {
    HttpResponse<Buffer> response = client.post("/v1/echo",
        new JsonObject().put("name", "x").put("count", 3).put("flag", true).put("tags", List.of("a")));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals(3, response.bodyAsJsonObject().getInteger("count"));
    assertEquals("a", response.bodyAsJsonObject().getJsonArray("tags").getString(0));
  }

  @Test
  void malformedJsonIs422() {
    assertError(client.sendRaw(HttpMethod.POST, "/v1/echo", "{\"name\": "), 422, "validation.error");
    assertError(client.sendRaw(HttpMethod.POST, "/v1/echo", "not json"), 422, "validation.error");
    assertError(client.sendRaw(HttpMethod.POST, "/v1/echo", ""), 422, "validation.error");
  }

  @Test
  void nonObjectJsonIs422() {
    assertError(client.sendRaw(HttpMethod.POST, "/v1/echo", "[1,2]"), 422, "validation.error");
    assertError(client.sendRaw(HttpMethod.POST, "/v1/echo", "\"text\""), 422, "validation.error");
  }

  @Test
  void wrongJsonTypeIs422NamingTheField() {
    JsonObject body = assertError(client.post("/v1/echo", new JsonObject().put("name", 12)), 422, "validation.error");
    assertEquals("name", body.getJsonObject("details").getString("field"));
    assertError(client.post("/v1/echo", new JsonObject().put("name", "x").put("count", 1.5)), 422, "validation.error");
    assertError(client.post("/v1/echo", new JsonObject().put("name", "x").put("flag", "yes")), 422, "validation.error");
    assertError(client.post("/v1/echo", new JsonObject().put("name", "x").put("tags", List.of(1))), 422,
        "validation.error");
  }

  @Test
  void missingRequiredFieldIs400NamingTheField() {
    JsonObject body = assertError(client.post("/v1/echo", new JsonObject()), 400, "validation.error");
    assertEquals("name", body.getJsonObject("details").getString("field"));
    assertError(client.post("/v1/echo", new JsonObject().put("name", "  ")), 400, "validation.error");
  }

  @Test
  void bodyOverTheLimitIs413() {
    String big = "{\"name\":\"" + "x".repeat(4096) + "\"}";
    assertError(client.sendRaw(HttpMethod.POST, "/v1/echo", big), 413, "validation.body_too_large");
  }

  @Test
  void badPathIdIs400() {
    assertError(client.get("/v1/items/not-a-uuid"), 400, "validation.error");
    assertEquals(200, client.get("/v1/items/6f1c1f2e-9a53-4d1b-8f0e-1d2c3b4a5968").statusCode());
  }

  @Test
  void badLimitIs400() {
    assertError(client.get("/v1/list?limit=0"), 400, "validation.error");
    assertError(client.get("/v1/list?limit=201"), 400, "validation.error");
    assertError(client.get("/v1/list?limit=ten"), 400, "validation.error");
    assertEquals(50, client.get("/v1/list").bodyAsJsonObject().getInteger("limit"));
  }

  @Test
  void colonActionReachesTheSlashRouteWithItsQuery() {
    HttpResponse<Buffer> response = client.post("/v1/things/t1:act?mode=fast", null);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("t1", response.bodyAsJsonObject().getString("id"));
    assertEquals("fast", response.bodyAsJsonObject().getString("mode"));
    assertError(client.get("/v1/things/t1:act"), 405, "method_not_allowed");
  }

  @Test
  void unexpectedFailureIs500WithoutInternals() {
    HttpResponse<Buffer> response = client.get("/v1/boom");
    JsonObject body = assertError(response, 500, "internal_error");
    assertFalse(response.bodyAsString().contains("secret"));
    assertFalse(response.bodyAsString().contains("Exception"));
    assertEquals(new JsonObject(), body.getJsonObject("details"));
  }

  @Test
  void apiExceptionKeepsItsStatusAndCode() {
    assertError(client.get("/v1/conflict"), 409, "things.conflict");
  }
}
