package dev.arkloop.api.admin;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.ids.Ids;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code /v1/admin/users} through two API nodes sharing one database and Redis: what one node's
 * suspension does is seen by the other at the next request.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AdminUsersTest {
  private static ApiTestNode nodeA;
  private static ApiTestNode nodeB;
  private static User admin;

  @BeforeAll
  static void start(Vertx vertx) {
    NodeEndpoints shared = TestInfra.get().newEndpoints();
    // two nodes of one deployment: same secrets, same Redis key prefix
    Map<String, String> deployment = Map.of("ARKLOOP_AUTH_JWT_SECRET", "admin-test-" + Ids.randomHex(16),
        "ARKLOOP_ENCRYPTION_KEY", SecretBox.generateKey(), "ARKLOOP_REDIS_KEY_PREFIX", TestInfra.get().newKeyPrefix());
    nodeA = ApiTestNode.start(vertx, shared, deployment);
    nodeB = ApiTestNode.start(vertx, shared, deployment);
    admin = TestUsers.register(nodeA.client(), "root"); // the first user is the platform admin
  }

  private static TestClient onB(String bearer) {
    return nodeB.client().withBearer(bearer);
  }

  /** The latest audit entry's column; entries are written after the response, so this waits for one. */
  private static String auditState(String action, String targetId, String column) {
    String count = "SELECT count(*) FROM audit_logs WHERE action = '" + action + "' AND target_id = '" + targetId + "'";
    Await.until("audit entry " + action, 10,
        () -> !"0".equals(TestInfra.queryValue(nodeA.endpoints().database(), count)));
    return TestInfra.queryValue(nodeA.endpoints().database(), "SELECT " + column + "::text FROM audit_logs "
        + "WHERE action = '" + action + "' AND target_id = '" + targetId + "' ORDER BY created_at DESC LIMIT 1");
  }

  @Test
  void nonAdminsAreRefusedWithThePermissionNamed() {
    User plain = TestUsers.register(nodeA.client(), "plain-user");
    for (HttpResponse<Buffer> response : List.of(plain.client().get("/v1/admin/users"),
        plain.client().get("/v1/admin/users/" + admin.id()),
        plain.client().patch("/v1/admin/users/" + admin.id(), new JsonObject().put("status", "suspended")),
        plain.client().delete("/v1/admin/users/" + admin.id()),
        plain.client().get("/v1/admin/dashboard"))) {
      JsonObject error = assertError(response, 403, "auth.forbidden");
      assertEquals("platform.admin", error.getJsonObject("details").getString("permission"));
    }
    assertEquals("active", admin.client().get("/v1/admin/users/" + admin.id()).bodyAsJsonObject()
        .getString("status"));
  }

  @Test
  void searchMatchesAnyPartOfLoginUsernameOrEmailAndPagesByCursor() {
    for (int i = 0; i < 5; i++) {
      TestUsers.register(nodeA.client(), "zebra-" + i);
    }
    JsonArray all = admin.client().get("/v1/admin/users?q=EBRA-&limit=50").bodyAsJsonArray();
    assertEquals(5, all.size());
    JsonArray first = admin.client().get("/v1/admin/users?q=ebra&limit=2").bodyAsJsonArray();
    assertEquals(2, first.size());
    assertEquals(all.getJsonObject(0).getString("id"), first.getJsonObject(0).getString("id"));
    String cursor = first.getJsonObject(1).getString("next_cursor");
    JsonArray second = admin.client().get("/v1/admin/users?q=ebra&limit=2&cursor=" + cursor).bodyAsJsonArray();
    assertEquals(all.getJsonObject(2).getString("id"), second.getJsonObject(0).getString("id"));
    assertEquals(all.getJsonObject(3).getString("id"), second.getJsonObject(1).getString("id"));
    JsonArray byEmail = admin.client().get("/v1/admin/users?q=zebra-3%40example").bodyAsJsonArray();
    assertEquals(1, byEmail.size());
    assertEquals("zebra-3@example.com", byEmail.getJsonObject(0).getString("email"));
    assertEquals(0, admin.client().get("/v1/admin/users?q=%25").bodyAsJsonArray().size()); // % is literal
    assertError(admin.client().get("/v1/admin/users?status=frozen"), 400, "validation.error");
    assertError(admin.client().get("/v1/admin/users?cursor=nonsense"), 400, "validation.error");
    assertError(admin.client().get("/v1/admin/users/not-a-uuid"), 400, "validation.error");
    assertError(admin.client().get("/v1/admin/users/" + java.util.UUID.randomUUID()), 404, "users.not_found");
  }

  @Test
  void aUserShowsTheirMembershipsAndCanBeEdited() {
    User carol = TestUsers.register(nodeA.client(), "carol");
    JsonObject shown = admin.client().get("/v1/admin/users/" + carol.id()).bodyAsJsonObject();
    assertEquals("carol", shown.getString("login"));
    assertEquals(new JsonArray().add(new JsonObject().put("org_id", carol.orgId()).put("role", "account_admin")
        .put("account_id", carol.orgId())),
        shown.getJsonArray("orgs"));
    assertFalse(shown.containsKey("password_hash"));

    JsonObject patched = admin.client().patch("/v1/admin/users/" + carol.id(), new JsonObject()
        .put("username", "Carol C").put("timezone", "Europe/Berlin").put("email_verified", true)).bodyAsJsonObject();
    assertEquals("Carol C", patched.getString("username"));
    assertEquals("Europe/Berlin", patched.getString("timezone"));
    assertTrue(patched.getBoolean("email_verified"));
    assertError(admin.client().patch("/v1/admin/users/" + carol.id(), new JsonObject().put("username", "")), 400,
        "validation.error");
    assertError(admin.client().patch("/v1/admin/users/" + carol.id(), new JsonObject().put("timezone", "Mars/Base")),
        400, "validation.error");
    assertError(admin.client().patch("/v1/admin/users/" + carol.id(), new JsonObject().put("status", 3)), 422,
        "validation.error");
    assertError(admin.client().patch("/v1/admin/users/" + carol.id(), new JsonObject()
        .put("email", "root@example.com")), 409, "conflict");

    assertTrue(auditState("user.admin_update", carol.id(), "before_state").contains("\"username\": \"carol\""));
    assertTrue(auditState("user.admin_update", carol.id(), "after_state").contains("\"username\": \"Carol C\""));
  }

  @Test
  void suspensionEndsEveryCredentialOnTheOtherNodeAndStopsTheirRuns() {
    User dave = TestUsers.register(nodeA.client(), "dave");
    String key = dave.client().post("/v1/api-keys", new JsonObject().put("name", "ci")).bodyAsJsonObject()
        .getString("key");
    String threadId = dave.client().post("/v1/threads", new JsonObject().put("title", "t")).bodyAsJsonObject()
        .getString("id");
    assertEquals(201, dave.client().post("/v1/threads/" + threadId + "/messages",
        new JsonObject().put("content", "hello")).statusCode());
    // no worker runs in this test: the run stays queued, and cancelling it is the API's job
    String runId = dave.client().post("/v1/threads/" + threadId + "/runs", new JsonObject()).bodyAsJsonObject()
        .getString("run_id");
    assertEquals(200, onB(dave.token()).get("/v1/me").statusCode());
    assertEquals(200, onB(key).get("/v1/me").statusCode());

    JsonObject suspended = admin.client().patch("/v1/admin/users/" + dave.id(),
        new JsonObject().put("status", "suspended")).bodyAsJsonObject();
    assertEquals("suspended", suspended.getString("status"));

    assertEquals("invalid_token", assertError(onB(dave.token()).get("/v1/me"), 401, "auth.unauthorized")
        .getJsonObject("details").getString("reason"));
    assertError(onB(key).get("/v1/me"), 401, "auth.unauthorized");
    HttpResponse<Buffer> refresh = nodeB.client().withHeader("Cookie", dave.refreshCookie())
        .post("/v1/auth/refresh", null);
    assertError(refresh, 401, "auth.unauthorized");
    assertError(nodeB.client().post("/v1/auth/login", new JsonObject().put("login", "dave")
        .put("password", TestUsers.PASSWORD)), 403, "auth.forbidden");

    JsonObject run = admin.client().get("/v1/admin/runs/" + runId).bodyAsJsonObject();
    assertEquals("cancelled", run.getString("status"));
    assertEquals(3L, run.getLong("event_count")); // started, cancel_requested, cancelled
    assertEquals("run.cancelled", TestInfra.queryValue(nodeA.endpoints().database(),
        "SELECT type FROM run_events WHERE run_id = '" + runId + "' ORDER BY seq DESC LIMIT 1"));

    // unsuspended: signing in works again, the old credentials stay dead
    admin.client().patch("/v1/admin/users/" + dave.id(), new JsonObject().put("status", "active"));
    User again = TestUsers.login(nodeB.client(), "dave");
    assertEquals(200, onB(again.token()).get("/v1/me").statusCode());
    assertError(onB(dave.token()).get("/v1/me"), 401, "auth.unauthorized");
    assertError(onB(key).get("/v1/me"), 401, "auth.unauthorized");
    Await.until("both changes audited with their states", 10, () -> "1".equals(TestInfra.queryValue(
        nodeA.endpoints().database(), "SELECT count(*) FROM audit_logs WHERE action = 'user.admin_update' "
            + "AND target_id = '" + dave.id() + "' AND before_state->>'status' = 'suspended' "
            + "AND after_state->>'status' = 'active'")));
  }

  @Test
  void aKeyRevokedOnOneNodeFailsOnTheOtherAtTheNextRequest() {
    User quinn = TestUsers.register(nodeA.client(), "quinn");
    JsonObject created = quinn.client().post("/v1/api-keys", new JsonObject().put("name", "ci")).bodyAsJsonObject();
    String key = created.getString("key");
    assertEquals(200, onB(key).get("/v1/me").statusCode()); // node B now remembers the key
    assertEquals(204, quinn.client().delete("/v1/api-keys/" + created.getString("id")).statusCode());
    assertError(onB(key).get("/v1/me"), 401, "auth.unauthorized");
  }

  @Test
  void theLastAdminCanNeitherBeSuspendedNorDeleted() {
    assertError(admin.client().patch("/v1/admin/users/" + admin.id(), new JsonObject().put("status", "suspended")),
        409, "conflict");
    assertError(admin.client().delete("/v1/admin/users/" + admin.id()), 409, "conflict");
    assertEquals("active", admin.client().get("/v1/admin/users/" + admin.id()).bodyAsJsonObject()
        .getString("status"));
  }

  @Test
  void deletingAUserRemovesTheirPrivateDataAndKeepsSharedThreadsWithADeletedAuthor() {
    User owner = TestUsers.register(nodeA.client(), "team-owner");
    User erin = TestUsers.register(nodeA.client(), "erin");
    String team = owner.client().post("/v1/accounts", new JsonObject().put("name", "Team").put("slug", "team-erin"))
        .bodyAsJsonObject().getString("id");
    TestInfra.execute(nodeA.endpoints().database(), "INSERT INTO memberships (org_id, user_id, role) VALUES ('"
        + team + "', '" + erin.id() + "', 'account_member')");
    String shared = erin.in(team).post("/v1/threads", new JsonObject().put("title", "shared")).bodyAsJsonObject()
        .getString("id");
    String personal = erin.client().post("/v1/threads", new JsonObject().put("title", "mine")).bodyAsJsonObject()
        .getString("id");

    assertEquals(204, admin.client().delete("/v1/admin/users/" + erin.id()).statusCode());

    assertError(admin.client().get("/v1/admin/users/" + erin.id()), 404, "users.not_found");
    assertError(onB(erin.token()).get("/v1/me"), 401, "auth.unauthorized");
    assertEquals("0", TestInfra.queryValue(nodeA.endpoints().database(),
        "SELECT count(*) FROM threads WHERE id = '" + personal + "'"));
    assertEquals("0", TestInfra.queryValue(nodeA.endpoints().database(),
        "SELECT count(*) FROM orgs WHERE id = '" + erin.orgId() + "'"));
    JsonObject kept = owner.in(team).get("/v1/threads/" + shared).bodyAsJsonObject();
    assertEquals(erin.id(), kept.getString("created_by_user_id"));
    assertEquals("Deleted user", TestInfra.queryValue(nodeA.endpoints().database(),
        "SELECT username FROM users WHERE id = '" + erin.id() + "'"));
    assertNull(TestInfra.queryValue(nodeA.endpoints().database(),
        "SELECT email FROM users WHERE id = '" + erin.id() + "'"));
    assertNotNull(auditState("user.admin_delete", erin.id(), "before_state"));
  }
}
