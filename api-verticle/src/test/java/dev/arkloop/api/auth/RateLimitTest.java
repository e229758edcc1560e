package dev.arkloop.api.auth;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The request limit per identity, the per-address limit on the public auth routes and the lockout
 * after failed logins. Limits use fixed windows, so each test allows one window boundary to fall
 * inside it: it sends up to twice the limit and expects a 429 among them.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RateLimitTest {
  private static TestClient anonymous;
  private static TestClient authLimited;

  @BeforeAll
  static void start(Vertx vertx) {
    anonymous = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), Map.of(
        "ARKLOOP_RATE_LIMIT_PER_MINUTE", "5",
        "ARKLOOP_LOGIN_LOCKOUT_FAILURES", "3")).client();
    authLimited = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), Map.of(
        "ARKLOOP_AUTH_RATE_LIMIT_PER_MINUTE", "10")).client();
  }

  /** Sends until a 429 arrives; returns it, having checked that at least {@code allowed} went through first. */
  private static HttpResponse<Buffer> until429(int allowed, Supplier<HttpResponse<Buffer>> request) {
    int passed = 0;
    for (int i = 0; i < 2 * allowed + 2; i++) {
      HttpResponse<Buffer> response = request.get();
      if (response.statusCode() == 429) {
        assertTrue(passed >= allowed, "only " + passed + " of " + allowed + " went through");
        return response;
      }
      passed++;
    }
    throw new AssertionError("no 429 after " + passed + " requests");
  }

  private static void assertRetryAfter(HttpResponse<Buffer> response, String reason) {
    JsonObject body = assertError(response, 429, "rate_limit");
    assertEquals(reason, body.getJsonObject("details").getString("reason"));
    assertNotNull(response.getHeader("Retry-After"));
    int seconds = Integer.parseInt(response.getHeader("Retry-After"));
    assertTrue(seconds >= 1 && seconds <= 900, "Retry-After " + seconds);
  }

  @Test
  void tooManyRequestsFromOneIdentityAre429WithRetryAfter() {
    User busy = TestUsers.register(anonymous, "busy");
    User calm = TestUsers.register(anonymous, "calm");
    HttpResponse<Buffer> limited = until429(4, () -> busy.client().get("/v1/me"));
    assertRetryAfter(limited, "requests");
    assertEquals(200, calm.client().get("/v1/me").statusCode(), "other identities keep their own budget");
  }

  @Test
  void anApiKeyHasItsOwnBudget() {
    User owner = TestUsers.register(anonymous, "key-owner");
    String key = owner.client().post("/v1/api-keys", new JsonObject().put("name", "k")).bodyAsJsonObject()
        .getString("key");
    assertRetryAfter(until429(5, () -> anonymous.withBearer(key).get("/v1/me")), "requests");
  }

  @Test
  void repeatedFailedLoginsLockThatLogin() {
    TestUsers.register(anonymous, "target");
    TestUsers.register(anonymous, "bystander");
    JsonObject wrong = new JsonObject().put("login", "target").put("password", "not the password");
    HttpResponse<Buffer> locked = until429(3, () -> anonymous.post("/v1/auth/login", wrong));
    assertRetryAfter(locked, "login");
    // even the right password is refused while locked, without checking it
    assertRetryAfter(anonymous.post("/v1/auth/login", new JsonObject().put("login", "TARGET")
        .put("password", TestUsers.PASSWORD)), "login");
    assertEquals(200, anonymous.post("/v1/auth/login", new JsonObject().put("login", "bystander")
        .put("password", TestUsers.PASSWORD)).statusCode());
  }

  @Test
  void thePublicAuthRoutesAreLimitedPerAddress() {
    assertRetryAfter(until429(10, () -> authLimited.get("/v1/auth/registration-mode")), "auth");
  }
}
