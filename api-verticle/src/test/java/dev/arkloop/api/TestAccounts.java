package dev.arkloop.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.api.TestUsers.User;
import dev.arkloop.api.auth.Authenticator;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;

/** Shared accounts, memberships and API keys made through the real endpoints. */
public final class TestAccounts {
  /** Limits high enough that a test class never meets them. */
  public static final Map<String, String> NO_RATE_LIMITS = Map.of(
      "ARKLOOP_RATE_LIMIT_PER_MINUTE", "1000000",
      "ARKLOOP_AUTH_RATE_LIMIT_PER_MINUTE", "100000");

  private TestAccounts() {}

  /** Creates a workspace account owned (as account admin) by {@code owner}; returns its id. */
  public static String createWorkspace(User owner, String slug) {
    HttpResponse<Buffer> response = owner.client().post("/v1/accounts",
        new JsonObject().put("slug", slug).put("name", slug));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getString("id");
  }

  /** Marks the user's email verified, as following the verification mail would. */
  public static void verifyEmail(ApiTestNode node, User user) {
    TestInfra.execute(node.endpoints().database(),
        "UPDATE users SET email_verified = true WHERE id = '" + java.util.UUID.fromString(user.id()) + "'");
  }

  /**
   * Invites {@code member} (whose email is then verified) into the account with {@code role} and
   * accepts; returns their client in it.
   */
  public static TestClient join(ApiTestNode node, User admin, String orgId, User member, String role) {
    verifyEmail(node, member);
    HttpResponse<Buffer> invited = admin.client().post("/v1/accounts/" + orgId + "/invitations",
        new JsonObject().put("email", member.login() + "@example.com").put("role", role));
    assertEquals(201, invited.statusCode(), invited.bodyAsString());
    HttpResponse<Buffer> accepted = member.client().post(
        "/v1/account-invitations/" + invited.bodyAsJsonObject().getString("token") + "/accept", null);
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
    return actingIn(member, orgId);
  }

  /** The user's client, acting in another account they belong to. */
  public static TestClient actingIn(User user, String orgId) {
    return user.client().withHeader(Authenticator.ACCOUNT_HEADER, orgId);
  }

  /** A new API key of the client's user (in its current account) limited to {@code scopes}; the client using it. */
  public static TestClient apiKeyClient(TestClient anonymous, TestClient owner, List<String> scopes) {
    HttpResponse<Buffer> created = owner.post("/v1/api-keys",
        new JsonObject().put("name", "test key").put("scopes", new JsonArray(scopes)));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return anonymous.withBearer(created.bodyAsJsonObject().getString("key"));
  }
}
