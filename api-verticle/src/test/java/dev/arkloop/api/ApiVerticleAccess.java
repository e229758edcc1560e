package dev.arkloop.api;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.HashMap;
import java.util.Map;

/** Deploys an API verticle and hands out its router, for tests that walk the mounted routes. */
public final class ApiVerticleAccess {
  public record Started(TestClient client, Router router) {}

  private ApiVerticleAccess() {}

  public static Started start(Vertx vertx, Map<String, String> overrides) {
    NodeEndpoints endpoints = TestInfra.get().newEndpoints();
    Map<String, String> settings = new HashMap<>(TestAccounts.NO_RATE_LIMITS);
    settings.putAll(overrides);
    ArkloopConfig config = TestInfra.get().config(endpoints, settings);
    ApiVerticle verticle = new ApiVerticle(config, endpoints);
    Await.await(vertx.deployVerticle(verticle));
    return new Started(new TestClient(vertx, verticle.actualPort()), verticle.router());
  }
}
