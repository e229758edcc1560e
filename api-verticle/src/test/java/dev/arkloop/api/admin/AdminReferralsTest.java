package dev.arkloop.api.admin;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Invite codes and the referral tree as platform admins see them. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AdminReferralsTest {
  private static ApiTestNode node;
  private static User admin;
  private static User alice;
  private static User bob;
  private static User carol;
  private static JsonObject aliceCode;

  @BeforeAll
  static void start(Vertx vertx) {
    node = ApiTestNode.start(vertx);
    admin = TestUsers.register(node.client(), "root");
    alice = TestUsers.register(node.client(), "alice");
    aliceCode = alice.client().get("/v1/me/invite-code").bodyAsJsonObject();
    bob = invited("bob", aliceCode.getString("code"));
    carol = invited("carol", bob.client().get("/v1/me/invite-code").bodyAsJsonObject().getString("code"));
  }

  private static User invited(String login, String code) {
    HttpResponse<Buffer> response = node.client().post("/v1/auth/register", new JsonObject().put("login", login)
        .put("password", TestUsers.PASSWORD).put("email", login + "@example.com").put("invite_code", code));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return TestUsers.login(node.client(), login);
  }

  @Test
  void inviteCodesAreListedWithTheirOwnerAndCanBeChanged() {
    JsonArray codes = admin.client().get("/v1/admin/invite-codes").bodyAsJsonArray();
    assertEquals(2, codes.size());
    JsonArray byLogin = admin.client().get("/v1/admin/invite-codes?q=ALICE").bodyAsJsonArray();
    assertEquals(1, byLogin.size());
    JsonObject code = byLogin.getJsonObject(0);
    assertEquals("alice", code.getString("user_login"));
    assertEquals("alice@example.com", code.getString("user_email"));
    assertEquals(1, code.getInteger("use_count"));

    JsonArray firstPage = admin.client().get("/v1/admin/invite-codes?limit=1").bodyAsJsonArray();
    JsonArray nextPage = admin.client().get("/v1/admin/invite-codes?limit=1&cursor="
        + firstPage.getJsonObject(0).getString("next_cursor")).bodyAsJsonArray();
    assertEquals(codes.getJsonObject(1).getString("id"), nextPage.getJsonObject(0).getString("id"));

    String id = code.getString("id");
    JsonObject changed = admin.client().patch("/v1/admin/invite-codes/" + id,
        new JsonObject().put("max_uses", 3).put("is_active", false)).bodyAsJsonObject();
    assertEquals(3, changed.getInteger("max_uses"));
    assertFalse(changed.getBoolean("is_active"));
    assertEquals(changed, admin.client().get("/v1/admin/invite-codes/" + id).bodyAsJsonObject());
    assertError(node.client().post("/v1/auth/register", new JsonObject().put("login", "dora")
        .put("password", TestUsers.PASSWORD).put("email", "dora@example.com").put("invite_code", code.getString("code"))),
        422,
        "auth.invite_code_invalid");
    assertError(admin.client().patch("/v1/admin/invite-codes/" + id, new JsonObject().put("max_uses", -1)), 400,
        "validation.error");
    assertError(admin.client().patch("/v1/admin/invite-codes/" + id, new JsonObject().put("is_active", "no")), 422,
        "validation.error");
    assertError(admin.client().get("/v1/admin/invite-codes/" + UUID.randomUUID()), 404, "invite_codes.not_found");
    JsonObject refused = assertError(alice.client().get("/v1/admin/invite-codes"), 403, "auth.forbidden");
    assertEquals("platform.invite_codes.manage", refused.getJsonObject("details").getString("permission"));
  }

  @Test
  void referralsAreListedAndTheTreeFollowsTheChain() {
    JsonArray all = admin.client().get("/v1/admin/referrals").bodyAsJsonArray();
    assertEquals(2, all.size());
    JsonArray ofAlice = admin.client().get("/v1/admin/referrals?inviter_user_id=" + alice.id()).bodyAsJsonArray();
    assertEquals(1, ofAlice.size());
    assertEquals("alice", ofAlice.getJsonObject(0).getString("inviter_login"));
    assertEquals("bob", ofAlice.getJsonObject(0).getString("invitee_login"));
    assertEquals(aliceCode.getString("id"), ofAlice.getJsonObject(0).getString("invite_code_id"));

    JsonArray tree = admin.client().get("/v1/admin/referrals/tree?user_id=" + alice.id()).bodyAsJsonArray();
    assertEquals(3, tree.size());
    assertEquals(new JsonObject().put("user_id", alice.id()).put("login", "alice").putNull("inviter_id")
        .put("depth", 0), without(tree.getJsonObject(0), "created_at"));
    assertEquals(bob.id(), tree.getJsonObject(1).getString("user_id"));
    assertEquals(alice.id(), tree.getJsonObject(1).getString("inviter_id"));
    assertEquals(carol.id(), tree.getJsonObject(2).getString("user_id"));
    assertEquals(2, tree.getJsonObject(2).getInteger("depth"));

    assertError(admin.client().get("/v1/admin/referrals/tree"), 400, "validation.error");
    assertError(admin.client().get("/v1/admin/referrals/tree?user_id=" + UUID.randomUUID()), 404, "users.not_found");
    assertError(bob.client().get("/v1/admin/referrals"), 403, "auth.forbidden");
  }

  @Test
  void aCycleInTheReferralsStopsAtDepthTwenty() {
    // carol "invites" alice: the data now holds a loop, which the depth limit must end
    TestInfra.execute(node.endpoints().database(), "INSERT INTO referrals (id, inviter_user_id, invitee_user_id, "
        + "invite_code_id) VALUES ('" + UUID.randomUUID() + "', '" + carol.id() + "', '" + alice.id() + "', '"
        + aliceCode.getString("id") + "')");
    try {
      JsonArray tree = admin.client().get("/v1/admin/referrals/tree?user_id=" + bob.id()).bodyAsJsonArray();
      assertEquals(21, tree.size());
      assertEquals(20, tree.getJsonObject(20).getInteger("depth"));
      assertTrue(tree.stream().allMatch(entry -> ((JsonObject) entry).getInteger("depth") <= 20));
    } finally {
      TestInfra.execute(node.endpoints().database(), "DELETE FROM referrals WHERE inviter_user_id = '"
          + carol.id() + "'");
    }
  }

  private static JsonObject without(JsonObject json, String field) {
    JsonObject copy = json.copy();
    copy.remove(field);
    return copy;
  }
}
