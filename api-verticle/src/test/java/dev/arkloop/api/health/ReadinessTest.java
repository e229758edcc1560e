package dev.arkloop.api.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.common.db.DatabaseUrl;
import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /readyz} turns 503 when a dependency is gone or the schema is not what the build expects. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class ReadinessTest {

  @Test
  void unavailableWhenThePostgresServerStops(Vertx vertx) throws Exception {
    EmbeddedPostgres postgres = EmbeddedInfrastructure.startPostgres(TestInfra.tempDir("arkloop-ready-pg"), 0, false);
    DatabaseUrl database = DatabaseUrl.local(postgres.getPort(), "postgres");
    String version = new dev.arkloop.common.db.Migrations(database).migrate();
    TestClient client = ApiTestNode.start(vertx,
        new NodeEndpoints(database, TestInfra.get().redisUrl(), version), Map.of()).client();
    assertEquals(200, client.get("/readyz").statusCode());

    postgres.close();

    HttpResponse<Buffer> response = client.get("/readyz");
    assertUnavailable(response, "database");
    assertEquals(200, client.get("/healthz").statusCode(), "liveness does not depend on the database");
  }

  @Test
  void unavailableWhenTheSchemaIsOlderThanTheBuild(Vertx vertx) {
    NodeEndpoints endpoints = TestInfra.get().newEndpoints();
    TestClient client = ApiTestNode.start(vertx, endpoints, Map.of()).client();
    assertEquals(200, client.get("/readyz").statusCode());

    TestInfra.execute(endpoints.database(),
        "DELETE FROM flyway_schema_history WHERE installed_rank = (SELECT max(installed_rank) FROM flyway_schema_history)");

    assertUnavailable(client.get("/readyz"), "schema version");
  }

  @Test
  void unavailableWhenRedisIsUnreachable(Vertx vertx) throws Exception {
    NodeEndpoints live = TestInfra.get().newEndpoints();
    int closedPort = EmbeddedInfrastructure.freePort();
    NodeEndpoints noRedis = new NodeEndpoints(live.database(), "redis://127.0.0.1:" + closedPort, live.schemaVersion());
    TestClient client = ApiTestNode.start(vertx, noRedis, Map.of()).client();

    assertUnavailable(client.get("/readyz"), "redis");
  }

  private static void assertUnavailable(HttpResponse<Buffer> response, String reason) {
    assertEquals(503, response.statusCode(), response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("unavailable", body.getString("status"));
    assertTrue(body.getString("reason").contains(reason), body.encode());
  }
}
