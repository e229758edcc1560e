package dev.arkloop.api.audit;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code GET /v1/audit-logs}: what sign-in and key events leave behind, and the filters over it. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AuditLogTest {
  private static final List<String> SECURITY_EVENTS = List.of("user.register", "user.login_failed", "user.login",
      "auth.refresh_reuse", "user.logout", "api_key.create", "api_key.used", "api_key.revoke");
  private static TestClient anonymous;
  private static User root;
  private static User alice;
  private static String key;

  @BeforeAll
  static void start(Vertx vertx) {
    anonymous = ApiTestNode.start(vertx).client();
    root = TestUsers.register(anonymous, "root");
    User registered = TestUsers.register(anonymous, "alice");
    assertEquals(401, anonymous.post("/v1/auth/login", new JsonObject().put("login", "alice")
        .put("password", "wrong password")).statusCode());
    // a refresh token used twice
    anonymous.withHeader("Cookie", registered.refreshCookie()).post("/v1/auth/refresh", null);
    assertEquals(401, anonymous.withHeader("Cookie", registered.refreshCookie()).post("/v1/auth/refresh", null)
        .statusCode());
    User second = TestUsers.login(anonymous, "alice");
    assertEquals(200, second.client().post("/v1/auth/logout", null).statusCode());
    alice = TestUsers.login(anonymous, "alice");
    JsonObject created = alice.client().post("/v1/api-keys", new JsonObject().put("name", "audited"))
        .bodyAsJsonObject();
    key = created.getString("key");
    assertEquals(200, anonymous.withBearer(key).get("/v1/me").statusCode());
    assertEquals(204, alice.client().delete("/v1/api-keys/" + created.getString("id")).statusCode());
    Await.until("security events", 10, () -> actions(alice.client().get("/v1/audit-logs?limit=200"))
        .containsAll(SECURITY_EVENTS));
  }

  private static Set<String> actions(HttpResponse<Buffer> response) {
    return entries(response).stream().map(e -> e.getString("action")).collect(Collectors.toSet());
  }

  private static List<JsonObject> entries(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("data").stream().map(JsonObject.class::cast).toList();
  }

  @Test
  void signInAndKeyEventsAreRecordedInTheUsersAccount() {
    HttpResponse<Buffer> response = alice.client().get("/v1/audit-logs?limit=200");
    List<JsonObject> all = entries(response);
    assertEquals(all.size(), response.bodyAsJsonObject().getLong("total").intValue());
    for (JsonObject entry : all) {
      assertEquals(alice.orgId(), entry.getString("org_id"), entry.encode());
      assertTrue(entry.getString("trace_id").matches("[0-9a-f]{32}"), entry.encode());
      assertNotNull(entry.getString("created_at"));
      assertFalse(entry.containsKey("before_state") || entry.containsKey("after_state"), "states only on request");
    }
    JsonObject failed = all.stream().filter(e -> e.getString("action").equals("user.login_failed")).findFirst()
        .orElseThrow();
    assertEquals(alice.id(), failed.getString("actor_user_id"));
    assertEquals("127.0.0.1", failed.getString("ip_address"));
    assertNotNull(failed.getString("user_agent"));
    assertFalse(response.bodyAsString().contains("wrong password"), "passwords are never recorded");
    assertFalse(response.bodyAsString().contains(key), "keys are never recorded");
  }

  @Test
  void filtersNarrowTheList() {
    TestClient client = alice.client();
    assertEquals(Set.of("user.login"), actions(client.get("/v1/audit-logs?action=user.login")));
    assertEquals(2, client.get("/v1/audit-logs?action=user.login").bodyAsJsonObject().getLong("total"));
    assertTrue(entries(client.get("/v1/audit-logs?actor_user_id=" + alice.id())).size() >= SECURITY_EVENTS.size());
    assertEquals(0, entries(client.get("/v1/audit-logs?actor_user_id=" + root.id())).size());
    assertEquals(Set.of("api_key.create", "api_key.used", "api_key.revoke"),
        actions(client.get("/v1/audit-logs?target_type=api_key")));
    String future = Instant.now().plusSeconds(3600).toString();
    String past = Instant.now().minusSeconds(3600).toString();
    assertEquals(0, client.get("/v1/audit-logs?since=" + future).bodyAsJsonObject().getLong("total"));
    assertEquals(0, client.get("/v1/audit-logs?until=" + past).bodyAsJsonObject().getLong("total"));
    assertTrue(client.get("/v1/audit-logs?since=" + past + "&until=" + future).bodyAsJsonObject().getLong("total")
        >= SECURITY_EVENTS.size());
  }

  @Test
  void limitAndOffsetPageWhileTotalCountsAll() {
    JsonObject all = alice.client().get("/v1/audit-logs?limit=200").bodyAsJsonObject();
    long total = all.getLong("total");
    JsonObject page = alice.client().get("/v1/audit-logs?limit=2&offset=1").bodyAsJsonObject();
    assertEquals(total, page.getLong("total"));
    JsonArray data = page.getJsonArray("data");
    assertEquals(2, data.size());
    assertEquals(all.getJsonArray("data").getJsonObject(1).getString("id"), data.getJsonObject(0).getString("id"));
    assertEquals(0, alice.client().get("/v1/audit-logs?offset=" + total).bodyAsJsonObject().getJsonArray("data")
        .size());
  }

  @Test
  void includeStateAddsBeforeAndAfter() {
    List<JsonObject> withState = entries(alice.client().get("/v1/audit-logs?include=state&action=api_key.create"));
    assertEquals(1, withState.size());
    JsonObject after = withState.get(0).getJsonObject("after_state");
    assertEquals("audited", after.getString("name"));
    assertFalse(after.containsKey("key"));
    assertTrue(withState.get(0).containsKey("before_state"));
  }

  @Test
  void badQueriesAre400() {
    for (String query : new String[] {"limit=0", "limit=201", "limit=x", "offset=-1", "since=yesterday",
        "until=2024-13-01T00:00:00Z", "actor_user_id=nope", "org_id=nope", "action=a%00b", "target_type=%00"}) {
      assertError(alice.client().get("/v1/audit-logs?" + query), 400, "validation.error");
    }
  }

  @Test
  void onlyPlatformAdminsReadOtherAccounts() {
    JsonObject denied = assertError(alice.client().get("/v1/audit-logs?org_id=" + root.orgId()), 403,
        "auth.forbidden");
    assertEquals("permission_missing", denied.getJsonObject("details").getString("reason"));
    assertTrue(actions(root.client().get("/v1/audit-logs?limit=200&org_id=" + alice.orgId()))
        .containsAll(SECURITY_EVENTS));
  }
}
