package dev.arkloop.api.billing;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Plans, subscriptions and overrides decide what an account may do, on every API instance: changes
 * made through one instance hold on the other within 2 s (the event bus drops the cached values).
 * No worker runs here, so every run created stays active.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EntitlementsTest {
  private static TestClient nodeA;
  private static TestClient nodeB;
  private static User admin;
  private static int users;

  @BeforeAll
  static void start(Vertx vertx) {
    NodeEndpoints endpoints = TestInfra.get().newEndpoints();
    Map<String, String> shared = Map.of("ARKLOOP_AUTH_JWT_SECRET", "entitlements-test-secret-0123456789abcdef",
        "ARKLOOP_REDIS_KEY_PREFIX", TestInfra.get().newKeyPrefix(), "ARKLOOP_MAX_CONCURRENT_RUNS_PER_ACCOUNT", "50");
    nodeA = ApiTestNode.start(vertx, endpoints, shared).client();
    nodeB = ApiTestNode.start(vertx, endpoints, shared).client();
    admin = TestUsers.register(nodeA, "ent-root");
  }

  private static User user() {
    return TestUsers.register(nodeA, "ent-user-" + (++users));
  }

  private static JsonObject created(HttpResponse<Buffer> response) {
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  /** Starts a run on a new thread through the given instance; returns the response. */
  private static HttpResponse<Buffer> startRun(TestClient node, User user) {
    TestClient client = node.withBearer(user.token());
    String thread = created(client.post("/v1/threads", new JsonObject().put("title", "t"))).getString("id");
    created(client.post("/v1/threads/" + thread + "/messages", new JsonObject().put("content", "hi")));
    return client.post("/v1/threads/" + thread + "/runs", new JsonObject());
  }

  private static String plan(String name, JsonArray entitlements) {
    return created(admin.client().post("/v1/plans", new JsonObject().put("name", name).put("display_name", name)
        .put("entitlements", entitlements))).getString("id");
  }

  private static JsonObject entitlement(String key, String value, String type) {
    return new JsonObject().put("key", key).put("value", value).put("value_type", type);
  }

  private static JsonObject subscribe(User user, String planId) {
    return created(admin.client().post("/v1/subscriptions", new JsonObject().put("org_id", user.orgId())
        .put("plan_id", planId).put("current_period_start", OffsetDateTime.now().toString())
        .put("current_period_end", OffsetDateTime.now().plusMonths(1).toString())));
  }

  private static void assertRefused(HttpResponse<Buffer> response, String reason) {
    assertEquals(reason, assertError(response, 429, "rate_limit").getJsonObject("details").getString("reason"));
  }

  @Test
  void overridesBeatPlansBeatDefaultsOnEveryInstance() {
    User user = user();
    assertEquals(201, startRun(nodeB, user).statusCode()); // instance B now holds the platform defaults
    String planId = plan("one-run", new JsonArray().add(entitlement("quota.runs_per_month", "1", "integer")));
    JsonObject subscription = subscribe(user, planId);
    assertEquals("active", subscription.getString("status"));
    long changed = System.currentTimeMillis();
    Await.until("instance B applies the plan", 2, () -> startRun(nodeB, user).statusCode() == 429);
    assertRefused(startRun(nodeB, user), "quota.runs_per_month");
    assertEquals(true, System.currentTimeMillis() - changed < 2_000 + 1_000);

    OffsetDateTime expires = OffsetDateTime.now().plusSeconds(3);
    JsonObject override = created(admin.client().post("/v1/entitlement-overrides", new JsonObject()
        .put("org_id", user.orgId()).put("key", "quota.runs_per_month").put("value", "10").put("value_type", "integer")
        .put("reason", "trial").put("expires_at", expires.toString())));
    assertEquals(admin.id(), override.getString("created_by_user_id"));
    assertEquals(201, startRun(nodeB, user).statusCode());
    Await.until("the override expires", 10, () -> OffsetDateTime.now().isAfter(expires.plusNanos(200_000_000)));
    assertRefused(startRun(nodeB, user), "quota.runs_per_month");

    HttpResponse<Buffer> cancelled = admin.client().delete("/v1/subscriptions/" + subscription.getString("id"));
    assertEquals(200, cancelled.statusCode(), cancelled.bodyAsString());
    assertEquals("cancelled", cancelled.bodyAsJsonObject().getString("status"));
    assertEquals(201, startRun(nodeB, user).statusCode());
    assertError(admin.client().delete("/v1/subscriptions/" + subscription.getString("id")), 404,
        "subscriptions.not_found");
  }

  @Test
  void anOverrideOfTheConcurrencyLimitHoldsAndItsDeletionRestoresTheDefault() {
    User user = user();
    assertEquals(201, startRun(nodeB, user).statusCode());
    String id = created(admin.client().post("/v1/entitlement-overrides", new JsonObject().put("org_id", user.orgId())
        .put("key", "limit.concurrent_runs").put("value", "1").put("value_type", "integer"))).getString("id");
    assertRefused(startRun(nodeB, user), "runs.concurrency");
    JsonArray listed = admin.client().get("/v1/entitlement-overrides?org_id=" + user.orgId()).bodyAsJsonArray();
    assertEquals(1, listed.size());
    HttpResponse<Buffer> deleted = admin.client().delete("/v1/entitlement-overrides/" + id + "?org_id=" + user.orgId());
    assertEquals(new JsonObject().put("ok", true), deleted.bodyAsJsonObject());
    assertEquals(201, startRun(nodeB, user).statusCode());
    assertError(admin.client().delete("/v1/entitlement-overrides/" + id), 404, "entitlement_overrides.not_found");
  }

  @Test
  void plansSubscriptionsAndOverridesValidateAndGuardTheirInput() {
    User user = user();
    User other = user();
    assertError(admin.client().post("/v1/plans", new JsonObject().put("name", "bad").put("display_name", "Bad")
        .put("entitlements", new JsonArray().add(entitlement("quota.runs_per_month", "many", "integer")))), 400,
        "validation.error");
    assertError(admin.client().post("/v1/plans", new JsonObject().put("name", "bad").put("display_name", "Bad")
        .put("entitlements", new JsonArray().add(entitlement("feature.byok_enabled", "1", "integer")))), 400,
        "validation.error");
    assertError(admin.client().post("/v1/entitlement-overrides", new JsonObject().put("org_id", user.orgId())
        .put("key", "feature.byok_enabled").put("value", "yes").put("value_type", "boolean")), 400, "validation.error");
    assertError(admin.client().post("/v1/entitlement-overrides", new JsonObject().put("org_id", user.orgId())
        .put("key", "x.y").put("value", "1").put("value_type", "float")), 400, "validation.error");
    String planId = plan("pro-" + users, new JsonArray().add(entitlement("limit.team_members", "5", "integer"))
        .add(entitlement("feature.byok_enabled", "false", "boolean")));
    assertError(admin.client().post("/v1/plans", new JsonObject().put("name", "pro-" + users).put("display_name", "x")),
        409, "conflict");
    JsonObject plan = admin.client().get("/v1/plans/" + planId).bodyAsJsonObject();
    assertEquals(2, plan.getJsonArray("entitlements").size());
    assertError(admin.client().get("/v1/plans/" + UUID.randomUUID()), 404, "plans.not_found");
    assertError(user.client().get("/v1/plans"), 403, "auth.forbidden");

    JsonObject subscription = subscribe(user, planId);
    assertError(admin.client().post("/v1/subscriptions", new JsonObject().put("org_id", user.orgId())
        .put("plan_id", planId).put("current_period_start", OffsetDateTime.now().toString())
        .put("current_period_end", OffsetDateTime.now().plusMonths(1).toString())), 409, "subscriptions.conflict");
    assertError(admin.client().post("/v1/subscriptions", new JsonObject().put("org_id", UUID.randomUUID().toString())
        .put("plan_id", planId).put("current_period_start", OffsetDateTime.now().toString())
        .put("current_period_end", OffsetDateTime.now().plusMonths(1).toString())), 404, "accounts.not_found");
    JsonArray own = user.client().get("/v1/subscriptions").bodyAsJsonArray();
    assertEquals(1, own.size());
    assertEquals(subscription.getString("id"), own.getJsonObject(0).getString("id"));
    assertEquals(0, other.client().get("/v1/subscriptions").bodyAsJsonArray().size());
    assertError(other.client().get("/v1/subscriptions/" + subscription.getString("id")), 404, "subscriptions.not_found");
    assertError(user.client().post("/v1/subscriptions", new JsonObject()), 403, "auth.forbidden");
    assertError(user.client().get("/v1/entitlement-overrides?org_id=" + user.orgId()), 403, "auth.forbidden");
  }
}
