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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Invite rewards, the monthly grant (two API instances running its job), the feature entitlements
 * the server enforces, and the admin usage endpoints.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class GrantsAndLimitsTest {
  private static NodeEndpoints endpoints;
  private static TestClient anonymous;
  private static User admin;
  private static int users;

  @BeforeAll
  static void start(Vertx vertx) {
    endpoints = TestInfra.get().newEndpoints();
    Map<String, String> settings = Map.of("ARKLOOP_AUTH_JWT_SECRET", "grants-test-secret-0123456789abcdefghij",
        "ARKLOOP_REDIS_KEY_PREFIX", TestInfra.get().newKeyPrefix(), "ARKLOOP_CREDITS_INITIAL_GRANT", "100",
        "ARKLOOP_CREDITS_MONTHLY_GRANT_CHECK_SECONDS", "1");
    anonymous = ApiTestNode.start(vertx, endpoints, settings).client();
    ApiTestNode.start(vertx, endpoints, settings); // a second instance runs the monthly grant job too
    admin = TestUsers.register(anonymous, "grants-root");
  }

  private static User user() {
    return TestUsers.register(anonymous, "grants-user-" + (++users));
  }

  private static long balance(User user) {
    return user.client().get("/v1/me/credits").bodyAsJsonObject().getLong("balance");
  }

  private static String sql(String query) {
    return TestInfra.queryValue(endpoints.database(), query);
  }

  private static void override(User user, String key, String value, String type) {
    HttpResponse<Buffer> created = admin.client().post("/v1/entitlement-overrides", new JsonObject()
        .put("org_id", user.orgId()).put("key", key).put("value", value).put("value_type", type));
    assertEquals(201, created.statusCode(), created.bodyAsString());
  }

  @Test
  void anInviteRewardsBothSidesOnce() {
    User inviter = user();
    String code = inviter.client().get("/v1/me/invite-code").bodyAsJsonObject().getString("code");
    HttpResponse<Buffer> registered = anonymous.post("/v1/auth/register", new JsonObject().put("login", "invitee")
        .put("password", TestUsers.PASSWORD).put("email", "invitee@example.com").put("invite_code", code));
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
    User invitee = TestUsers.login(anonymous, "invitee");
    assertEquals(100 + 500, balance(inviter));
    assertEquals(100 + 200, balance(invitee));
    JsonObject reward = inviter.client().get("/v1/me/credits").bodyAsJsonObject().getJsonArray("transactions")
        .getJsonObject(0);
    assertEquals("invite_reward", reward.getString("type"));
    assertEquals("referral", reward.getString("reference_type"));
    assertEquals("t", sql("SELECT credited FROM referrals WHERE invitee_user_id = '" + invitee.id() + "'"));
  }

  @Test
  void theMonthlyGrantReachesEachAccountOnceAMonth() {
    User ann = user();
    User ben = user();
    override(ann, "credits.monthly_grant", "300", "integer");
    Await.until("ann's monthly grant", 20, () -> balance(ann) == 400);
    // ben's grant comes from a plan subscribed later: the job ran again on both instances since ann's
    HttpResponse<Buffer> plan = admin.client().post("/v1/plans", new JsonObject().put("name", "monthly-50")
        .put("display_name", "Monthly").put("entitlements", new JsonArray().add(new JsonObject()
            .put("key", "credits.monthly_grant").put("value", "50").put("value_type", "integer"))));
    assertEquals(201, plan.statusCode(), plan.bodyAsString());
    assertEquals(201, admin.client().post("/v1/subscriptions", new JsonObject().put("org_id", ben.orgId())
        .put("plan_id", plan.bodyAsJsonObject().getString("id"))
        .put("current_period_start", OffsetDateTime.now().toString())
        .put("current_period_end", OffsetDateTime.now().plusMonths(1).toString())).statusCode());
    Await.until("ben's monthly grant", 20, () -> balance(ben) == 150);
    Await.until("another round of the job", 20, () -> Long.parseLong(sql(
        "SELECT count(*) FROM credit_transactions WHERE type = 'monthly_grant'")) >= 2);
    assertEquals(400, balance(ann));
    assertEquals("1", sql("SELECT count(*) FROM credit_transactions WHERE type = 'monthly_grant' AND org_id = '"
        + ann.orgId() + "'"));
    assertEquals("0", sql("SELECT count(*) FROM credit_transactions WHERE type = 'monthly_grant' AND org_id = '"
        + admin.orgId() + "'"));
  }

  @Test
  void featureEntitlementsGateAccountProvidersAndRemoteMcpServers() {
    User cal = user();
    JsonObject provider = new JsonObject().put("name", "mine").put("provider", "openai").put("api_key", "sk-x")
        .put("base_url", "https://api.openai.com/v1");
    JsonObject mcp = new JsonObject().put("name", "remote").put("transport", "streamable_http")
        .put("url", "https://mcp.example.com/mcp");
    override(cal, "feature.byok_enabled", "false", "boolean");
    override(cal, "feature.mcp_remote_enabled", "false", "boolean");
    JsonObject byok = assertError(cal.client().post("/v1/llm-providers", provider), 403, "auth.forbidden");
    assertEquals("entitlement.byok_disabled", byok.getJsonObject("details").getString("reason"));
    JsonObject remote = assertError(cal.client().post("/v1/mcp-configs", mcp), 403, "auth.forbidden");
    assertEquals("entitlement.mcp_remote_disabled", remote.getJsonObject("details").getString("reason"));

    User dee = user();
    assertEquals(201, dee.client().post("/v1/llm-providers", provider).statusCode());
    assertEquals(201, dee.client().post("/v1/mcp-configs", mcp).statusCode());
  }

  @Test
  void anAccountAtItsMemberLimitAcceptsNoOneMore() {
    User owner = user();
    User first = user();
    User second = user();
    HttpResponse<Buffer> account = owner.client().post("/v1/accounts", new JsonObject().put("slug", "capped")
        .put("name", "Capped"));
    assertEquals(201, account.statusCode(), account.bodyAsString());
    String accountId = account.bodyAsJsonObject().getString("id");
    HttpResponse<Buffer> override = admin.client().post("/v1/entitlement-overrides", new JsonObject()
        .put("org_id", accountId).put("key", "limit.team_members").put("value", "2").put("value_type", "integer"));
    assertEquals(201, override.statusCode(), override.bodyAsString());
    // an invitation is accepted only by the verified owner of the invited address
    TestInfra.execute(endpoints.database(), "UPDATE users SET email_verified = true WHERE id IN ('"
        + first.id() + "', '" + second.id() + "')");
    String token1 = invite(owner, accountId, first);
    String token2 = invite(owner, accountId, second);
    assertEquals(200, first.client().post("/v1/account-invitations/" + token1 + "/accept", null).statusCode());
    JsonObject refused = assertError(second.client().post("/v1/account-invitations/" + token2 + "/accept", null), 403,
        "auth.forbidden");
    assertEquals("entitlement.team_members", refused.getJsonObject("details").getString("reason"));
  }

  private static String invite(User owner, String accountId, User invitee) {
    HttpResponse<Buffer> invited = owner.client().post("/v1/accounts/" + accountId + "/invitations",
        new JsonObject().put("email", invitee.login() + "@example.com").put("role", "account_member"));
    assertEquals(201, invited.statusCode(), invited.bodyAsString());
    return invited.bodyAsJsonObject().getString("token");
  }

  @Test
  void adminUsageIsPlatformWideAndAdminOnly() {
    User eve = user();
    JsonObject summary = admin.client().get("/v1/admin/usage/summary?year=2026&month=1").bodyAsJsonObject();
    assertEquals(0, summary.getLong("record_count"));
    assertEquals(0, summary.getLong("total_credits_used"));
    assertEquals(2026, summary.getInteger("year"));
    assertEquals(0, admin.client().get("/v1/admin/usage/daily?start=2026-01-01&end=2026-01-31").bodyAsJsonArray().size());
    assertEquals(0, admin.client().get("/v1/admin/usage/by-model").bodyAsJsonArray().size());
    assertError(admin.client().get("/v1/admin/usage/daily"), 400, "validation.error");
    assertError(eve.client().get("/v1/admin/usage/summary"), 403, "auth.forbidden");
  }
}
