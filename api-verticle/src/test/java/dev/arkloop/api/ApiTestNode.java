package dev.arkloop.api;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.ContractCheck;
import dev.arkloop.common.vertx.VertxFactory;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import java.util.Map;

/**
 * An API verticle deployed for a test class on its own database and Redis key prefix. Pass a Vert.x
 * from {@link #newVertx()} to get metrics as in production.
 */
public record ApiTestNode(ArkloopConfig config, NodeEndpoints endpoints, TestClient client) {

  /** A Vert.x built like the launcher builds it (Micrometer metrics on, not clustered). */
  public static Vertx newVertx() {
    return Await.await(VertxFactory.create(TestInfra.get().config(TestInfra.get().newEndpoints(), Map.of())));
  }

  public static ApiTestNode start(Vertx vertx) {
    return start(vertx, TestInfra.get().newEndpoints(), Map.of());
  }

  public static ApiTestNode start(Vertx vertx, NodeEndpoints endpoints, Map<String, String> overrides) {
    // test classes sign many users up from one address; tests of this limit set it themselves. Clients
    // talk to the API directly, not through a gateway: no forwarding headers are believed unless a test says so
    Map<String, String> settings = new java.util.HashMap<>(Map.of("ARKLOOP_AUTH_RATE_LIMIT_PER_MINUTE", "100000",
        "ARKLOOP_TRUSTED_PROXIES", ""));
    settings.putAll(overrides);
    ArkloopConfig config = TestInfra.get().config(endpoints, settings);
    ApiVerticle verticle = new ApiVerticle(config, endpoints);
    Await.await(vertx.deployVerticle(verticle));
    TestClient client = new TestClient(vertx, verticle.actualPort());
    ContractCheck.install(client);
    return new ApiTestNode(config, endpoints, client);
  }
}
