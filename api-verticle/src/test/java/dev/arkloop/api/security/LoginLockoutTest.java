package dev.arkloop.api.security;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The login lockout counts failures per user, whichever of its names (login or email) was typed. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoginLockoutTest {
  private static Vertx vertx;
  private static TestClient anonymous;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    anonymous = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), Map.of("ARKLOOP_LOGIN_LOCKOUT_FAILURES", "3"))
        .client();
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static HttpResponse<Buffer> login(String login, String password) {
    return anonymous.post("/v1/auth/login", new JsonObject().put("login", login).put("password", password));
  }

  @Test
  void theLoginAndTheEmailShareOneBudget() {
    TestUsers.register(anonymous, "lockme");
    assertError(login("lockme", "wrong one"), 401, "auth.unauthorized");
    assertError(login("lockme@example.com", "wrong two"), 401, "auth.unauthorized");
    assertError(login("LockMe@Example.com", "wrong three"), 401, "auth.unauthorized");
    // three failures over three spellings: the user is locked, under every name, right password or not
    for (String name : new String[] {"lockme", "lockme@example.com"}) {
      HttpResponse<Buffer> locked = login(name, TestUsers.PASSWORD);
      assertEquals("login", assertError(locked, 429, "rate_limit").getJsonObject("details").getString("reason"));
    }
  }

  @Test
  void unknownLoginsAreCountedByWhatWasTyped() {
    for (int i = 0; i < 3; i++) {
      assertError(login("nobody-here", "guess " + i), 401, "auth.unauthorized");
    }
    assertError(login("nobody-here", "guess 4"), 429, "rate_limit");
    assertError(login("nobody-else", "guess"), 401, "auth.unauthorized");
  }
}
