package dev.arkloop.api.auth;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Registration modes {@code invite_only} (invite codes with a use limit) and {@code disabled}. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RegistrationModeTest {
  private static ApiTestNode inviteOnly;
  private static TestClient closed;

  @BeforeAll
  static void start(Vertx vertx) {
    inviteOnly = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(),
        Map.of("ARKLOOP_REGISTRATION_MODE", "invite_only"));
    closed = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(),
        Map.of("ARKLOOP_REGISTRATION_MODE", "disabled")).client();
  }

  private static HttpResponse<Buffer> register(String login, String code) {
    JsonObject body = new JsonObject().put("login", login).put("password", TestUsers.PASSWORD)
        .put("email", login + "@example.com");
    if (code != null) {
      body.put("invite_code", code);
    }
    return inviteOnly.client().post("/v1/auth/register", body);
  }

  @Test
  void inviteOnlyNeedsAValidCodeWithUsesLeft() {
    TestClient anonymous = inviteOnly.client();
    assertEquals("invite_only", anonymous.get("/v1/auth/registration-mode").bodyAsJsonObject().getString("mode"));
    // the very first user has nobody to ask for a code
    User first = TestUsers.register(anonymous, "founder");

    assertError(register("nocode", null), 422, "auth.invite_code_required");
    assertError(register("badcode", "NOT-A-CODE"), 422, "auth.invite_code_invalid");

    JsonObject code = first.client().get("/v1/me/invite-code").bodyAsJsonObject();
    assertEquals(first.id(), code.getString("user_id"));
    assertEquals(0, code.getInteger("use_count"));
    assertTrue(code.getBoolean("is_active"));
    assertEquals(code.getString("id"), first.client().get("/v1/me/invite-code").bodyAsJsonObject().getString("id"),
        "the same code until reset");
    assertEquals(201, register("guest1", code.getString("code").toLowerCase(Locale.ROOT)).statusCode(),
        "codes are case-insensitive");
    assertEquals(1, first.client().get("/v1/me/invite-code").bodyAsJsonObject().getInteger("use_count"));

    TestInfra.execute(inviteOnly.endpoints().database(),
        "UPDATE invite_codes SET max_uses = 2 WHERE id = '" + code.getString("id") + "'");
    assertEquals(201, register("guest2", code.getString("code")).statusCode());
    assertError(register("guest3", code.getString("code")), 422, "auth.invite_code_invalid");
    assertEquals("2", TestInfra.queryValue(inviteOnly.endpoints().database(),
        "SELECT count(*) FROM referrals WHERE invite_code_id = '" + code.getString("id") + "'"));

    HttpResponse<Buffer> reset = first.client().post("/v1/me/invite-code/reset", null);
    assertEquals(200, reset.statusCode(), reset.bodyAsString());
    String fresh = reset.bodyAsJsonObject().getString("code");
    assertNotEquals(code.getString("code"), fresh);
    assertEquals(201, register("guest4", fresh).statusCode());
    assertError(register("guest5", code.getString("code")), 422, "auth.invite_code_invalid");
  }

  @Test
  void disabledRegistrationIsForbidden() {
    assertEquals("disabled", closed.get("/v1/auth/registration-mode").bodyAsJsonObject().getString("mode"));
    JsonObject body = assertError(closed.post("/v1/auth/register", new JsonObject().put("login", "x1")
        .put("password", TestUsers.PASSWORD).put("email", "x1@example.com")), 403, "auth.forbidden");
    assertEquals("registration_disabled", body.getJsonObject("details").getString("reason"));
  }
}
