package dev.arkloop.api.identity;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestClient;
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

/**
 * Workspace accounts, membership through invitations, acting in another account with {@code
 * X-Account-Id}, and the walls between accounts.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AccountsTest {
  private static ApiTestNode node;
  private static TestClient anonymous;
  private static User owner;
  private static User member;
  private static User outsider;
  private static String workspace;

  @BeforeAll
  static void start(Vertx vertx) {
    node = ApiTestNode.start(vertx);
    anonymous = node.client();
    TestUsers.register(anonymous, "platform-root");
    owner = TestUsers.register(anonymous, "owner");
    member = TestUsers.register(anonymous, "member");
    outsider = TestUsers.register(anonymous, "outsider");
    workspace = createAccount(owner, "acme", "Acme Inc.").getString("id");
    String token = invite(owner, workspace, "member@example.com", "member").getString("token");
    TestAccounts.verifyEmail(node, member);
    assertEquals(200, member.client().post("/v1/account-invitations/" + token + "/accept", null).statusCode());
  }

  private static JsonObject createAccount(User user, String slug, String name) {
    HttpResponse<Buffer> response = user.client().post("/v1/accounts", new JsonObject().put("slug", slug).put("name", name));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static JsonObject invite(User user, String accountId, String email, String role) {
    HttpResponse<Buffer> response = user.client().post("/v1/accounts/" + accountId + "/invitations",
        new JsonObject().put("email", email).put("role", role));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static void assertPermissionMissing(HttpResponse<Buffer> response, String permission) {
    JsonObject body = assertError(response, 403, "auth.forbidden");
    assertEquals("permission_missing", body.getJsonObject("details").getString("reason"));
    assertEquals(permission, body.getJsonObject("details").getString("permission"));
  }

  @Test
  void aWorkspaceAccountMakesItsCreatorAdmin() {
    JsonObject account = createAccount(owner, "side-project", "Side project");
    assertEquals("workspace", account.getString("type"));
    assertEquals("side-project", account.getString("slug"));
    assertNotNull(account.getString("created_at"));
    JsonArray mine = owner.client().get("/v1/accounts/me").bodyAsJsonArray();
    JsonObject listed = mine.stream().map(JsonObject.class::cast)
        .filter(a -> a.getString("id").equals(account.getString("id"))).findFirst().orElseThrow();
    assertEquals("account_admin", listed.getString("role"));
  }

  @Test
  void accountInputIsValidated() {
    assertError(owner.client().post("/v1/accounts", new JsonObject().put("slug", "acme").put("name", "Again")), 409,
        "accounts.slug_conflict");
    assertError(owner.client().post("/v1/accounts", new JsonObject().put("slug", "Bad Slug!").put("name", "x")), 400,
        "validation.error");
    assertError(owner.client().post("/v1/accounts", new JsonObject().put("slug", "s".repeat(101)).put("name", "x")),
        400, "validation.error");
    assertError(owner.client().post("/v1/accounts", new JsonObject().put("slug", "fine").put("name", "n".repeat(201))),
        400, "validation.error");
    assertError(owner.client().post("/v1/accounts", new JsonObject().put("name", "no slug")), 400, "validation.error");
    assertError(owner.client().post("/v1/accounts", new JsonObject().put("slug", 5).put("name", "x")), 422,
        "validation.error");
  }

  @Test
  void sqlLookingNamesAreStoredLiterally() {
    String evil = "Robert'); DROP TABLE orgs;--";
    JsonObject account = createAccount(owner, "bobby-tables", evil);
    assertEquals(evil, owner.client().get("/v1/accounts/" + account.getString("id")).bodyAsJsonObject()
        .getString("name"));
  }

  @Test
  void anotherAccountAnswers404() {
    JsonObject missing = assertError(outsider.client().get("/v1/accounts/" + workspace), 404, "accounts.not_found");
    assertEquals(missing.getString("error"), assertError(outsider.client().get("/v1/accounts/" + UUID.randomUUID()),
        404, "accounts.not_found").getString("error"));
    assertError(outsider.client().get("/v1/accounts/not-a-uuid"), 400, "validation.error");
    assertEquals(200, member.client().get("/v1/accounts/" + workspace).statusCode());
  }

  @Test
  void accountHeaderSwitchesForMembersOnly() {
    JsonObject me = member.in(workspace).get("/v1/me").bodyAsJsonObject();
    assertEquals(workspace, me.getString("org_id"));
    assertEquals("Acme Inc.", me.getString("org_name"));
    assertEquals("account_member", me.getString("role"));
    assertFalse(me.getJsonArray("permissions").contains("org.members.invite"));
    assertTrue(me.getJsonArray("permissions").contains("data.threads.write"));
    assertEquals(member.orgId(), member.client().get("/v1/me").bodyAsJsonObject().getString("org_id"));

    JsonObject denied = assertError(outsider.in(workspace).get("/v1/me"), 403, "auth.forbidden");
    assertEquals("no_account_membership", denied.getJsonObject("details").getString("reason"));
  }

  @Test
  void aMemberWithoutThePermissionGets403() {
    TestClient asMember = member.in(workspace);
    assertPermissionMissing(asMember.post("/v1/teams", new JsonObject().put("name", "x")), "org.teams.manage");
    assertPermissionMissing(asMember.post("/v1/ip-rules", new JsonObject().put("type", "blocklist")
        .put("cidr", "10.0.0.0/8")), "org.ip_rules.manage");
    assertPermissionMissing(asMember.get("/v1/audit-logs"), "org.audit_read");
    assertPermissionMissing(member.client().post("/v1/accounts/" + workspace + "/invitations",
        new JsonObject().put("email", "x@example.com").put("role", "member")), "org.members.invite");
    assertPermissionMissing(member.client().get("/v1/accounts/" + workspace + "/invitations"), "org.members.list");
    assertPermissionMissing(owner.client().get("/v1/admin/email/status"), "platform.admin");
    assertEquals(200, asMember.get("/v1/teams").statusCode(), "members read teams");
  }

  @Test
  void invitationsCanBeListedAcceptedOnceAndRevoked() {
    JsonObject created = invite(owner, workspace, "newbie@example.com", "account_admin");
    assertEquals(workspace, created.getString("org_id"));
    assertEquals(workspace, created.getString("account_id"));
    assertEquals("account_admin", created.getString("role"));
    assertEquals(owner.id(), created.getString("invited_by_user_id"));
    assertNotNull(created.getString("expires_at"));
    String token = created.getString("token");
    assertNotNull(token);

    HttpResponse<Buffer> list = owner.client().get("/v1/accounts/" + workspace + "/invitations");
    assertEquals(200, list.statusCode());
    assertFalse(list.bodyAsString().contains(token), "tokens are shown once");
    assertTrue(list.bodyAsJsonArray().stream().map(JsonObject.class::cast)
        .allMatch(i -> !i.containsKey("token") && i.containsKey("account_id")));

    User newbie = TestUsers.register(anonymous, "newbie");
    TestAccounts.verifyEmail(node, newbie);
    HttpResponse<Buffer> accepted = newbie.client().post("/v1/account-invitations/" + token + "/accept", null);
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
    assertTrue(accepted.bodyAsJsonObject().getBoolean("ok"));
    assertEquals("account_admin", newbie.in(workspace).get("/v1/me").bodyAsJsonObject().getString("role"));
    assertError(newbie.client().post("/v1/account-invitations/" + token + "/accept", null), 409, "conflict");
    assertError(outsider.client().post("/v1/account-invitations/" + token + "/accept", null), 409, "conflict");

    String revokedToken = invite(owner, workspace, "late@example.com", "member").getString("token");
    String revokedId = owner.client().get("/v1/accounts/" + workspace + "/invitations").bodyAsJsonArray().stream()
        .map(JsonObject.class::cast).filter(i -> i.getString("email").equals("late@example.com")).findFirst()
        .orElseThrow().getString("id");
    HttpResponse<Buffer> revoked = owner.client().delete("/v1/account-invitations/" + revokedId);
    assertEquals(200, revoked.statusCode(), revoked.bodyAsString());
    assertError(outsider.client().post("/v1/account-invitations/" + revokedToken + "/accept", null), 404,
        "invitations.not_found");
    assertError(owner.client().delete("/v1/account-invitations/" + revokedId), 404, "invitations.not_found");
  }

  @Test
  void expiredOrUnknownInvitationsAre404() {
    JsonObject created = invite(owner, workspace, "slow@example.com", "member");
    TestInfra.execute(node.endpoints().database(),
        "UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE id = '" + created.getString("id") + "'");
    assertError(outsider.client().post("/v1/account-invitations/" + created.getString("token") + "/accept", null),
        404, "invitations.not_found");
    assertError(outsider.client().post("/v1/account-invitations/no-such-token/accept", null), 404,
        "invitations.not_found");
    assertError(outsider.in(workspace).get("/v1/me"), 403, "auth.forbidden");
  }

  @Test
  void invitationsOfAnotherAccountAre404AndInputIsValidated() {
    JsonObject created = invite(owner, workspace, "guarded@example.com", "member");
    assertError(outsider.client().delete("/v1/account-invitations/" + created.getString("id")), 404,
        "invitations.not_found");
    assertError(outsider.client().get("/v1/accounts/" + workspace + "/invitations"), 404, "accounts.not_found");
    assertError(outsider.client().post("/v1/accounts/" + workspace + "/invitations",
        new JsonObject().put("email", "x@example.com").put("role", "member")), 404, "accounts.not_found");
    assertError(owner.client().delete("/v1/account-invitations/" + UUID.randomUUID()), 404, "invitations.not_found");
    assertError(owner.client().delete("/v1/account-invitations/nope"), 400, "validation.error");
    assertError(owner.client().post("/v1/accounts/" + workspace + "/invitations",
        new JsonObject().put("email", "x@example.com").put("role", "emperor")), 400, "validation.error");
    assertError(owner.client().post("/v1/accounts/" + workspace + "/invitations",
        new JsonObject().put("email", "nope").put("role", "member")), 400, "validation.error");
  }

  @Test
  void teamsAndTheirMembers() {
    TestClient admin = owner.in(workspace);
    HttpResponse<Buffer> created = admin.post("/v1/teams", new JsonObject().put("name", "Core"));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject team = created.bodyAsJsonObject();
    String teamId = team.getString("id");
    assertEquals(workspace, team.getString("org_id"));
    assertEquals(workspace, team.getString("account_id"));
    assertEquals(0, team.getInteger("members_count"));

    HttpResponse<Buffer> added = admin.post("/v1/teams/" + teamId + "/members",
        new JsonObject().put("user_id", member.id()).put("role", "member"));
    assertEquals(201, added.statusCode(), added.bodyAsString());
    assertEquals(member.id(), added.bodyAsJsonObject().getString("user_id"));
    assertError(admin.post("/v1/teams/" + teamId + "/members",
        new JsonObject().put("user_id", member.id()).put("role", "member")), 409, "team_members.user_id_conflict");
    assertError(admin.post("/v1/teams/" + teamId + "/members",
        new JsonObject().put("user_id", outsider.id()).put("role", "member")), 422, "validation.error");
    assertError(admin.post("/v1/teams/" + teamId + "/members",
        new JsonObject().put("user_id", owner.id()).put("role", "boss")), 400, "validation.error");
    assertError(admin.post("/v1/teams/" + teamId + "/members",
        new JsonObject().put("user_id", "someone").put("role", "member")), 400, "validation.error");

    JsonArray members = member.in(workspace).get("/v1/teams/" + teamId + "/members").bodyAsJsonArray();
    assertEquals(1, members.size());
    assertEquals(1, admin.get("/v1/teams").bodyAsJsonArray().getJsonObject(0).getInteger("members_count"));

    // another account's team does not exist for you
    assertError(outsider.client().get("/v1/teams/" + teamId + "/members"), 404, "teams.not_found");
    assertError(outsider.client().delete("/v1/teams/" + teamId), 404, "teams.not_found");
    assertError(owner.client().delete("/v1/teams/" + teamId), 404, "teams.not_found");

    assertEquals(204, admin.delete("/v1/teams/" + teamId + "/members/" + member.id()).statusCode());
    assertError(admin.delete("/v1/teams/" + teamId + "/members/" + member.id()), 404, "users.not_found");
    assertEquals(204, admin.delete("/v1/teams/" + teamId).statusCode());
    assertError(admin.delete("/v1/teams/" + teamId), 404, "teams.not_found");
    assertError(admin.post("/v1/teams", new JsonObject().put("name", "t".repeat(101))), 400, "validation.error");
  }

  @Test
  void apiKeysAndIpRulesOfAnotherAccountAre404() {
    String keyId = owner.client().post("/v1/api-keys", new JsonObject().put("name", "ci")).bodyAsJsonObject()
        .getString("id");
    assertError(outsider.client().delete("/v1/api-keys/" + keyId), 404, "api_keys.not_found");
    assertFalse(outsider.client().get("/v1/api-keys").bodyAsString().contains(keyId));

    HttpResponse<Buffer> rule = owner.client().post("/v1/ip-rules",
        new JsonObject().put("type", "blocklist").put("cidr", "192.0.2.0/24"));
    assertEquals(201, rule.statusCode(), rule.bodyAsString());
    String ruleId = rule.bodyAsJsonObject().getString("id");
    assertError(outsider.client().delete("/v1/ip-rules/" + ruleId), 404, "ip_rules.not_found");
    assertFalse(outsider.client().get("/v1/ip-rules").bodyAsString().contains(ruleId));
    assertEquals(204, owner.client().delete("/v1/ip-rules/" + ruleId).statusCode());
  }

  @Test
  void membersSeeTheirOwnKeysAndAdminsSeeAll() {
    TestClient asMember = member.in(workspace);
    HttpResponse<Buffer> memberKey = asMember.post("/v1/api-keys", new JsonObject().put("name", "member key"));
    assertEquals(201, memberKey.statusCode(), memberKey.bodyAsString());
    String memberKeyId = memberKey.bodyAsJsonObject().getString("id");
    String adminKeyId = owner.in(workspace).post("/v1/api-keys", new JsonObject().put("name", "admin key"))
        .bodyAsJsonObject().getString("id");

    String memberList = asMember.get("/v1/api-keys").bodyAsString();
    assertTrue(memberList.contains(memberKeyId));
    assertFalse(memberList.contains(adminKeyId));
    String adminList = owner.in(workspace).get("/v1/api-keys").bodyAsString();
    assertTrue(adminList.contains(memberKeyId) && adminList.contains(adminKeyId));
    assertError(asMember.delete("/v1/api-keys/" + adminKeyId), 404, "api_keys.not_found");
    // a member may not grant a key what the member lacks
    JsonObject beyond = assertError(asMember.post("/v1/api-keys", new JsonObject().put("name", "wide")
        .put("scopes", new JsonArray().add("org.members.invite"))), 403, "api_keys.scope_forbidden");
    assertEquals(new JsonArray().add("org.members.invite"), beyond.getJsonObject("details").getJsonArray("scopes"));
    assertEquals(204, owner.in(workspace).delete("/v1/api-keys/" + memberKeyId).statusCode());
  }
}
