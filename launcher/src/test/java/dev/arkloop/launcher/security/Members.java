package dev.arkloop.launcher.security;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.common.db.Pools;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;

/** Brings a user into another account the way users join one: invited by email, then accepting. */
public final class Members {
  private Members() {}

  static String orgId(TestClient user) {
    return user.get("/v1/me").bodyAsJsonObject().getString("org_id");
  }

  /** Marks the user's email verified, as following the verification mail would. */
  public static void verifyEmail(TestNode node, TestClient user) {
    String userId = user.get("/v1/me").bodyAsJsonObject().getString("id");
    Pool pool = Pools.create(node.vertx(), node.endpoints().database(), 1);
    try {
      await(pool.preparedQuery("UPDATE users SET email_verified = true WHERE id = $1::uuid")
          .execute(Tuple.of(userId)));
    } finally {
      await(pool.close());
    }
  }

  /** The invitation's token, for {@code email} as {@code role}. */
  static String invite(TestClient admin, String orgId, String email, String role) {
    HttpResponse<Buffer> invited = admin.post("/v1/accounts/" + orgId + "/invitations",
        new JsonObject().put("email", email).put("role", role));
    assertEquals(201, invited.statusCode(), invited.bodyAsString());
    return invited.bodyAsJsonObject().getString("token");
  }

  /** {@code member} (email {@code <login>@example.com}, verified here) joins the admin's account; their client acting in it. */
  static TestClient join(TestNode node, TestClient admin, TestClient member, String login, String role) {
    String orgId = orgId(admin);
    String token = invite(admin, orgId, login + "@example.com", role);
    verifyEmail(node, member);
    HttpResponse<Buffer> accepted = member.post("/v1/account-invitations/" + token + "/accept", null);
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
    return member.withHeader("X-Account-Id", orgId);
  }
}
