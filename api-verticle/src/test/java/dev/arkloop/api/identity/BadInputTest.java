package dev.arkloop.api.identity;

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
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every identity endpoint that takes a body, fed garbage: wrong JSON shapes, every field null, of
 * the wrong type, empty, huge or holding a NUL. Each answer must be a 2xx or a 4xx envelope, never
 * a 500.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class BadInputTest {
  private static final List<String> FIELDS = List.of("login", "password", "email", "locale", "invite_code",
      "cf_turnstile_token", "token", "otp", "username", "timezone", "slug", "name", "role", "user_id", "scopes",
      "type", "cidr", "note", "to");
  private static final List<Object> VALUES = List.of(1, true, 1.5, new JsonArray(), new JsonObject(), "", " ",
      "a\u0000b", "x".repeat(10_000), "ä€😀", "'; DROP TABLE users;--");
  private static TestClient admin;
  private static String orgId;

  @BeforeAll
  static void start(Vertx vertx) {
    TestClient anonymous = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), Map.of(
        "ARKLOOP_SMTP_HOST", "127.0.0.1", "ARKLOOP_SMTP_PORT", "1", "ARKLOOP_EMAIL_FROM", "a@example.com",
        "ARKLOOP_LOGIN_LOCKOUT_FAILURES", "1000", "ARKLOOP_RATE_LIMIT_PER_MINUTE", "1000000")).client();
    User user = TestUsers.register(anonymous, "fuzzed");
    admin = user.client();
    orgId = user.orgId();
  }

  private static List<String[]> endpoints() {
    String team = admin.post("/v1/teams", new JsonObject().put("name", "t")).bodyAsJsonObject().getString("id");
    return List.of(
        new String[] {"POST", "/v1/auth/check"}, new String[] {"POST", "/v1/auth/register"},
        new String[] {"POST", "/v1/auth/login"}, new String[] {"POST", "/v1/auth/email/verify/confirm"},
        new String[] {"POST", "/v1/auth/email/otp/send"}, new String[] {"POST", "/v1/auth/email/otp/verify"},
        new String[] {"PATCH", "/v1/me"}, new String[] {"POST", "/v1/accounts"},
        new String[] {"POST", "/v1/accounts/" + orgId + "/invitations"}, new String[] {"POST", "/v1/teams"},
        new String[] {"POST", "/v1/teams/" + team + "/members"}, new String[] {"POST", "/v1/api-keys"},
        new String[] {"POST", "/v1/ip-rules"}, new String[] {"POST", "/v1/admin/email/test"});
  }

  private static List<String> bodies() {
    List<String> bodies = new ArrayList<>(List.of("null", "[]", "\"text\"", "42", "{}", "{\"a\":", "\u0000",
        "{\"login\": \"x\", \"login\": 1}", "[".repeat(5000)));
    JsonObject allNull = new JsonObject();
    FIELDS.forEach(allNull::putNull);
    bodies.add(allNull.encode());
    for (Object value : VALUES) {
      JsonObject body = new JsonObject();
      FIELDS.forEach(field -> body.put(field, value));
      bodies.add(body.encode());
    }
    return bodies;
  }

  @Test
  void noBodyGetsA500() {
    List<String> failures = new ArrayList<>();
    for (String[] endpoint : endpoints()) {
      for (String body : bodies()) {
        HttpResponse<Buffer> response = admin.sendRaw(HttpMethod.valueOf(endpoint[0]), endpoint[1], body);
        int status = response.statusCode();
        if (status >= 500 || status < 200) {
          failures.add(status + " " + endpoint[0] + " " + endpoint[1] + " " + body.substring(0, Math.min(80,
              body.length())) + " -> " + response.bodyAsString());
        } else if (status >= 400) {
          JsonObject envelope = response.bodyAsJsonObject();
          assertNotNull(envelope.getString("error"), response.bodyAsString());
          assertEquals(response.getHeader("X-Trace-Id"), envelope.getString("trace_id"));
        }
      }
    }
    assertTrue(failures.isEmpty(), String.join("\n", failures));
  }
}
