package dev.arkloop.api.compat;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Identity-first sign-in as the original web client drives it: {@code resolveIdentity},
 * {@code sendResolvedEmailOTP}, {@code verifyResolvedEmailOTP} and {@code verifyEmailOTP} in
 * {@code src/apps/web/src/api.ts} ({@code ResolveIdentityResponse}), and the form in
 * {@code src/apps/shared/src/components/AuthPage.tsx}.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class IdentityResolveTest {
  private static ApiTestNode node;
  private static TestClient limited;
  private static User alice;

  @BeforeAll
  static void start(Vertx vertx) {
    node = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), Map.of(
        "ARKLOOP_SMTP_HOST", "smtp.example.com",
        "ARKLOOP_EMAIL_FROM", "Arkloop <no-reply@example.com>"));
    limited = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), Map.of(
        "ARKLOOP_AUTH_RATE_LIMIT_PER_MINUTE", "6")).client();
    alice = TestUsers.register(node.client(), "alice");
  }

  private static JsonObject resolve(TestClient client, String identity) {
    HttpResponse<Buffer> response = client.post("/v1/auth/resolve", new JsonObject().put("identity", identity));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  @Test
  void aKnownLoginOrEmailGoesToThePasswordStepWithAMaskedAddress() {
    for (String identity : new String[] {"alice", "ALICE@example.com"}) {
      JsonObject answer = resolve(node.client(), identity);
      assertEquals("password", answer.getString("next_step"));
      assertNotNull(answer.getString("flow_token"));
      assertEquals("a***@example.com", answer.getString("masked_email"));
      assertTrue(answer.getBoolean("otp_available"));
      assertFalse(answer.getBoolean("invite_required"));
      assertFalse(answer.encode().contains("alice@example.com"));
    }
  }

  @Test
  void anUnknownIdentityGoesToRegistrationWithThePrefill() {
    JsonObject byLogin = resolve(node.client(), "nobody-here");
    assertEquals("register", byLogin.getString("next_step"));
    assertFalse(byLogin.getBoolean("invite_required"));
    assertFalse(byLogin.getBoolean("otp_available"));
    assertNull(byLogin.getString("flow_token"));
    assertEquals(new JsonObject().put("login", "nobody-here"), byLogin.getJsonObject("prefill"));
    assertEquals(new JsonObject().put("email", "new@example.com"),
        resolve(node.client(), "new@example.com").getJsonObject("prefill"));
    assertError(node.client().post("/v1/auth/resolve", new JsonObject().put("identity", " ")), 400,
        "validation.error");
  }

  @Test
  void theEmailedCodeSignsInThroughTheFlowToken() {
    User bob = TestUsers.register(node.client(), "bob");
    String flow = resolve(node.client(), "bob").getString("flow_token");
    assertEquals(204, node.client().post("/v1/auth/resolve/otp/send",
        new JsonObject().put("flow_token", flow)).statusCode());
    setCode(bob.id(), "424242");
    assertError(node.client().post("/v1/auth/resolve/otp/verify",
        new JsonObject().put("flow_token", flow).put("code", "000000")), 422, "auth.otp_invalid");
    HttpResponse<Buffer> signedIn = node.client().post("/v1/auth/resolve/otp/verify",
        new JsonObject().put("flow_token", flow).put("code", "424242"));
    assertEquals(200, signedIn.statusCode(), signedIn.bodyAsString());
    JsonObject me = node.client().withBearer(signedIn.bodyAsJsonObject().getString("access_token")).get("/v1/me")
        .bodyAsJsonObject();
    assertEquals(bob.id(), me.getString("id"));

    JsonObject bad = assertError(node.client().post("/v1/auth/resolve/otp/send",
        new JsonObject().put("flow_token", flow + "x")), 401, "auth.unauthorized");
    assertEquals("flow_token_invalid", bad.getJsonObject("details").getString("reason"));
  }

  /** Item 3: {@code verifyEmailOTP} in api.ts posts {@code {email, code}}. */
  @Test
  void theEmailCodeEndpointTakesCodeAsWellAsOtp() {
    User carol = TestUsers.register(node.client(), "carol");
    assertEquals(204, node.client().post("/v1/auth/email/otp/send",
        new JsonObject().put("email", "carol@example.com")).statusCode());
    setCode(carol.id(), "135790");
    HttpResponse<Buffer> signedIn = node.client().post("/v1/auth/email/otp/verify",
        new JsonObject().put("email", "carol@example.com").put("code", "135790"));
    assertEquals(200, signedIn.statusCode(), signedIn.bodyAsString());
    assertNotNull(signedIn.bodyAsJsonObject().getString("access_token"));
  }

  @Test
  void resolveSharesTheAuthLimitWithCheck() {
    int passed = 0;
    HttpResponse<Buffer> last = null;
    for (int i = 0; i < 14; i++) {
      last = i % 2 == 0
          ? limited.post("/v1/auth/check", new JsonObject().put("login", "someone"))
          : limited.post("/v1/auth/resolve", new JsonObject().put("identity", "someone"));
      if (last.statusCode() == 429) {
        break;
      }
      passed++;
    }
    assertEquals(429, last.statusCode());
    assertTrue(passed >= 1 && passed <= 12, "passed " + passed);
    // the limit is over both: resolve is refused too while check is
    assertError(limited.post("/v1/auth/resolve", new JsonObject().put("identity", "someone")), 429, "rate_limit");
  }

  /** Interleaved, so both sides see the same load; the bound is loose because the CPUs are shared. */
  @Test
  void knownAndUnknownIdentitiesTakeAboutTheSameTime() {
    int rounds = 15;
    long[] known = new long[rounds];
    long[] unknown = new long[rounds];
    for (int i = 0; i < rounds; i++) {
      long start = System.nanoTime();
      resolve(node.client(), "alice");
      known[i] = System.nanoTime() - start;
      start = System.nanoTime();
      resolve(node.client(), "ghost-" + i);
      unknown[i] = System.nanoTime() - start;
    }
    Arrays.sort(known);
    Arrays.sort(unknown);
    double ratio = (double) known[rounds / 2] / unknown[rounds / 2];
    assertTrue(ratio > 0.33 && ratio < 3, "median known/unknown " + ratio);
  }

  private static void setCode(String userId, String code) {
    String hash = Tokens.hmacSha256Hex(node.config().auth().jwtSecret(), "otp:" + userId + ":" + code);
    TestInfra.execute(node.endpoints().database(), "UPDATE email_tokens SET token_hash = '" + hash
        + "' WHERE purpose = 'otp' AND user_id = '" + userId + "' AND consumed_at IS NULL");
  }
}
