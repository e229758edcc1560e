package dev.arkloop.api.security;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** An invitation admits only the person at its email address, once that address is verified. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InvitationEmailTest {
  private static Vertx vertx;
  private static ApiTestNode node;
  private static User owner;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    node = ApiTestNode.start(vertx);
    TestUsers.register(node.client(), "root");
    owner = TestUsers.register(node.client(), "inviter");
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static String invite(String email) {
    HttpResponse<Buffer> invited = owner.client().post("/v1/accounts/" + owner.orgId() + "/invitations",
        new JsonObject().put("email", email).put("role", "account_member"));
    assertEquals(201, invited.statusCode(), invited.bodyAsString());
    return invited.bodyAsJsonObject().getString("token");
  }

  private static HttpResponse<Buffer> accept(User user, String token) {
    return user.client().post("/v1/account-invitations/" + token + "/accept", null);
  }

  private static void mismatch(HttpResponse<Buffer> response) {
    assertEquals("invitation_email_mismatch", assertError(response, 403, "auth.forbidden")
        .getJsonObject("details").getString("reason"));
  }

  @Test
  void onlyTheInvitedVerifiedAddressMayAccept() {
    String token = invite("Invitee@Example.com");
    User stranger = TestUsers.register(node.client(), "stranger");
    TestAccounts.verifyEmail(node, stranger);
    mismatch(accept(stranger, token));

    User invitee = TestUsers.register(node.client(), "invitee");
    mismatch(accept(invitee, token)); // the right address, not verified yet
    TestAccounts.verifyEmail(node, invitee);
    HttpResponse<Buffer> accepted = accept(invitee, token);
    assertEquals(200, accepted.statusCode(), accepted.bodyAsString());
    assertEquals(200, invitee.in(owner.orgId()).get("/v1/threads").statusCode());
    assertError(stranger.in(owner.orgId()).get("/v1/threads"), 403, "auth.forbidden");
  }
}
