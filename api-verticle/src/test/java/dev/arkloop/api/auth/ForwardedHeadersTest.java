package dev.arkloop.api.auth;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.Await;
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

/**
 * The API believes {@code X-Forwarded-For}, {@code X-Real-IP}, {@code X-Forwarded-Proto} and
 * {@code X-Trace-Id} only from {@code ARKLOOP_TRUSTED_PROXIES}: the same requests from 127.0.0.1 to a
 * node that trusts loopback (the gateway's node) and to one that trusts only 192.0.2.0/24.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ForwardedHeadersTest {
  private static final String TRACE = "0123456789abcdef0123456789abcdef";
  private static TestClient behindTrustedProxy;
  private static TestClient direct;

  @BeforeAll
  static void start(Vertx vertx) {
    behindTrustedProxy = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(),
        Map.of("ARKLOOP_TRUSTED_PROXIES", "127.0.0.0/8, ::1")).client();
    direct = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(),
        Map.of("ARKLOOP_TRUSTED_PROXIES", "192.0.2.0/24")).client();
  }

  /** A user whose account blocks 198.51.100.0/24, the address the requests below claim. */
  private static User blockingUser(TestClient anonymous) {
    User user = TestUsers.register(anonymous, "fwd-" + System.nanoTime());
    HttpResponse<Buffer> rule = user.client().post("/v1/ip-rules",
        new JsonObject().put("type", "blocklist").put("cidr", "198.51.100.0/24"));
    assertEquals(201, rule.statusCode(), rule.bodyAsString());
    return user;
  }

  @Test
  void aSpoofedForwardedForFromAnUntrustedSocketIsIgnored() {
    User user = blockingUser(direct);
    assertEquals(200, user.client().withHeader("X-Forwarded-For", "198.51.100.7").get("/v1/me").statusCode());
    assertEquals(200, user.client().withHeader("X-Real-IP", "198.51.100.7").get("/v1/me").statusCode());

    assertEquals(201, user.client().withHeader("X-Forwarded-For", "198.51.100.7")
        .post("/v1/ip-rules", new JsonObject().put("type", "blocklist").put("cidr", "203.0.113.0/24")).statusCode());
    Await.until("audit entry", 10, () -> user.client().get("/v1/audit-logs?action=ip_rule.create")
        .bodyAsJsonObject().getLong("total") == 2);
    JsonObject entry = user.client().get("/v1/audit-logs?action=ip_rule.create").bodyAsJsonObject()
        .getJsonArray("data").getJsonObject(0);
    assertEquals("127.0.0.1", entry.getString("ip_address"));
  }

  @Test
  void theTrustedProxysForwardedForAndRealIpAreHonoured() {
    User user = blockingUser(behindTrustedProxy);
    JsonObject refused = assertError(user.client().withHeader("X-Forwarded-For", "198.51.100.7").get("/v1/me"),
        403, "policy.denied");
    assertEquals("ip_not_allowed", refused.getJsonObject("details").getString("reason"));
    assertError(user.client().withHeader("X-Real-IP", "198.51.100.7").get("/v1/me"), 403, "policy.denied");
    // the right-most hop that is not a trusted proxy is the client; what it claims before that is not believed
    assertError(user.client().withHeader("X-Forwarded-For", "203.0.113.1, 198.51.100.7, 127.0.0.9").get("/v1/me"),
        403, "policy.denied");
    assertEquals(200, user.client().withHeader("X-Forwarded-For", "198.51.100.7, 203.0.113.1").get("/v1/me")
        .statusCode());
    // a malformed chain proves nothing: the socket is used (and never looked up in DNS)
    assertEquals(200, user.client().withHeader("X-Forwarded-For", "cafe.be").get("/v1/me").statusCode());
  }

  @Test
  void forwardedProtoMakesTheCookieSecureOnlyFromATrustedProxy() {
    assertTrue(registerOverHttps(behindTrustedProxy).contains("; secure"));
    assertFalse(registerOverHttps(direct).contains("; secure"));
  }

  private static String registerOverHttps(TestClient anonymous) {
    String login = "proto-" + System.nanoTime();
    HttpResponse<Buffer> response = anonymous.withHeader("X-Forwarded-Proto", "https").post("/v1/auth/register",
        new JsonObject().put("login", login).put("password", TestUsers.PASSWORD).put("email", login + "@example.com"));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return TestUsers.refreshSetCookie(response).toLowerCase(Locale.ROOT);
  }

  @Test
  void theTrustedProxysTraceIdIsReused() {
    assertEquals(TRACE, behindTrustedProxy.withHeader("X-Trace-Id", TRACE).get("/healthz").getHeader("X-Trace-Id"));
    String answered = direct.withHeader("X-Trace-Id", TRACE).get("/healthz").getHeader("X-Trace-Id");
    assertTrue(answered.matches("[0-9a-f]{32}"), answered);
    assertNotEquals(TRACE, answered);
  }
}
