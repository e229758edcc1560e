package dev.arkloop.api.admin;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /v1/admin/dashboard} and {@code /v1/admin/runs/{id}} through the real API. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AdminOverviewTest {
  private static ApiTestNode node;
  private static User admin;
  private static User alice;
  private static String aliceRun;

  @BeforeAll
  static void start(Vertx vertx) {
    node = ApiTestNode.start(vertx);
    admin = TestUsers.register(node.client(), "root");
    alice = TestUsers.register(node.client(), "alice");
    String thread = alice.client().post("/v1/threads", new JsonObject().put("title", "t")).bodyAsJsonObject()
        .getString("id");
    alice.client().post("/v1/threads/" + thread + "/messages", new JsonObject().put("content", "hi"));
    aliceRun = alice.client().post("/v1/threads/" + thread + "/runs", new JsonObject()).bodyAsJsonObject()
        .getString("run_id");
    TestInfra.execute(node.endpoints().database(), "UPDATE runs SET total_input_tokens = 120, "
        + "total_output_tokens = 30, total_cost_usd = 0.25 WHERE id = '" + aliceRun + "'");
    // what a worker writes when it picks the built-in stub route
    TestInfra.execute(node.endpoints().database(), "INSERT INTO run_events (run_id, seq, type, data) VALUES ('"
        + aliceRun + "', 2, 'run.route.selected', '{\"route_id\": \"stub\", \"provider\": \"stub\", "
        + "\"model\": \"stub-echo\"}')");
  }

  @Test
  void theDashboardCountsThePlatformAndCachesItsFigures() {
    JsonObject figures = admin.client().get("/v1/admin/dashboard").bodyAsJsonObject();
    assertEquals(2L, figures.getLong("total_users"));
    assertEquals(2L, figures.getLong("active_users_30d"));
    assertEquals(1L, figures.getLong("total_runs"));
    assertEquals(1L, figures.getLong("runs_today"));
    assertEquals(120L, figures.getLong("total_input_tokens"));
    assertEquals(30L, figures.getLong("total_output_tokens"));
    assertEquals(0.25, figures.getDouble("total_cost_usd"), 1e-9);
    assertEquals(1L, figures.getLong("active_orgs"));

    TestUsers.register(node.client(), "late-comer");
    JsonObject again = admin.client().get("/v1/admin/dashboard").bodyAsJsonObject();
    // within 10 s the same answer comes from the cache, stamped with when it was computed
    if (again.getString("cached_at").equals(figures.getString("cached_at"))) {
      assertEquals(2L, again.getLong("total_users"));
    } else {
      assertEquals(3L, again.getLong("total_users"));
    }
  }

  @Test
  void anAdminSeesAnyAccountsRunWithItsRouteAndEventCount() {
    JsonObject run = admin.client().get("/v1/admin/runs/" + aliceRun).bodyAsJsonObject();
    assertEquals(aliceRun, run.getString("run_id"));
    assertEquals(alice.orgId(), run.getString("org_id"));
    assertEquals("alice", run.getString("created_by_user_name"));
    assertEquals(2L, run.getLong("event_count"));
    assertEquals("stub", run.getString("provider_kind"));
    assertEquals("stub", run.getString("credential_name"));
    assertTrue(run.containsKey("persona_model"));

    assertError(admin.client().get("/v1/admin/runs/" + UUID.randomUUID()), 404, "runs.not_found");
    assertError(admin.client().get("/v1/admin/runs/x"), 400, "validation.error");
    JsonObject refused = assertError(alice.client().get("/v1/admin/runs/" + aliceRun), 403, "auth.forbidden");
    assertEquals("platform.admin", refused.getJsonObject("details").getString("permission"));
  }
}
