package dev.arkloop.api.auth;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Bearer credentials that must not work, each answered 401 with the precise reason. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AccessTokenTest {
  private static ApiTestNode node;
  private static TestClient anonymous;
  private static User user;
  private static String secret;

  @BeforeAll
  static void start(Vertx vertx) {
    node = ApiTestNode.start(vertx);
    anonymous = node.client();
    user = TestUsers.register(anonymous, "target");
    secret = node.config().auth().jwtSecret();
  }

  private static void assertRejected(String authorization, String reason) {
    TestClient client = authorization == null ? anonymous : anonymous.withHeader("Authorization", authorization);
    HttpResponse<Buffer> response = client.get("/v1/me");
    JsonObject body = assertError(response, 401, "auth.unauthorized");
    assertEquals(reason, body.getJsonObject("details").getString("reason"), body::encode);
  }

  private static void assertRejectedToken(String token, String reason) {
    assertRejected("Bearer " + token, reason);
  }

  @Test
  void theServersOwnTokenWorks() {
    assertEquals(200, user.client().get("/v1/me").statusCode());
    // a token signed here by hand with the right key and claims is accepted too: the tests below differ in one thing
    assertEquals(200, anonymous.withBearer(Jwts.hs256(secret, Jwts.claims(user.id(), user.orgId(), 300)))
        .get("/v1/me").statusCode());
  }

  @Test
  void missingOrMalformedAuthorizationHeader() {
    assertRejected(null, "missing_token");
    assertRejected("Basic dXNlcjpwYXNz", "invalid_authorization");
    assertRejected("Bearer ", "invalid_authorization");
    assertRejected("Token " + user.token(), "invalid_authorization");
    assertRejectedToken("not-a-jwt", "invalid_token");
    assertRejectedToken("a.b.c", "invalid_token");
  }

  @Test
  void aTokenSignedWithAnotherKeyIsInvalid() {
    assertRejectedToken(Jwts.hs256("another-secret-another-secret-1234567", Jwts.claims(user.id(), user.orgId(), 300)),
        "invalid_token");
  }

  @Test
  void anUnsignedAlgNoneTokenIsInvalid() {
    assertRejectedToken(Jwts.unsigned(Jwts.claims(user.id(), user.orgId(), 300)), "invalid_token");
    // alg none with the real signature still attached
    String[] real = user.token().split("\\.");
    String noneHeader = Jwts.part(new JsonObject().put("alg", "none").put("typ", "JWT"));
    assertRejectedToken(noneHeader + "." + real[1] + "." + real[2], "invalid_token");
  }

  @Test
  void anotherHmacAlgorithmWithTheRightSecretIsInvalid() {
    assertRejectedToken(Jwts.sign("HmacSHA512", secret, new JsonObject().put("alg", "HS512").put("typ", "JWT"),
        Jwts.claims(user.id(), user.orgId(), 300)), "invalid_token");
  }

  @Test
  void anExpiredTokenIsNamedSo() {
    assertRejectedToken(Jwts.hs256(secret, Jwts.claims(user.id(), user.orgId(), -120)), "token_expired");
    // expired and forged: the forgery is what counts
    assertRejectedToken(Jwts.hs256("another-secret-another-secret-1234567", Jwts.claims(user.id(), user.orgId(), -120)),
        "invalid_token");
  }

  @Test
  void tamperedClaimsBreakTheSignature() {
    String[] real = user.token().split("\\.");
    JsonObject escalated = Jwts.claims(user.id(), user.orgId(), 300).put("pa", true).put("role", "platform_admin");
    assertRejectedToken(real[0] + "." + Jwts.part(escalated) + "." + real[2], "invalid_token");
  }

  @Test
  void wellSignedButWrongClaimsAreInvalid() {
    assertRejectedToken(Jwts.hs256(secret, Jwts.claims(user.id(), user.orgId(), 300).put("typ", "refresh")),
        "invalid_token");
    assertRejectedToken(Jwts.hs256(secret, Jwts.claims("not-a-uuid", user.orgId(), 300)), "invalid_token");
    JsonObject noAccount = Jwts.claims(user.id(), user.orgId(), 300);
    noAccount.remove("account");
    assertRejectedToken(Jwts.hs256(secret, noAccount), "invalid_token");
    JsonObject noExpiry = Jwts.claims(user.id(), user.orgId(), 300);
    noExpiry.remove("exp");
    assertRejectedToken(Jwts.hs256(secret, noExpiry), "invalid_token");
  }

  @Test
  void aTokenOfAUserThatNoLongerExistsIsRejected() {
    JsonObject claims = Jwts.claims(UUID.randomUUID().toString(), user.orgId(), 300);
    assertRejectedToken(Jwts.hs256(secret, claims), "user_not_found");
  }

  @Test
  void aMalformedAccountHeaderIs400() {
    assertError(user.client().withHeader("X-Account-Id", "not-a-uuid").get("/v1/me"), 400, "validation.error");
  }
}
