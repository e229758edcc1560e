package dev.arkloop.api.auth;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** IP allowlists and blocklists, IPv4 and IPv6, behind a trusted proxy ({@code X-Forwarded-For}). */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class IpRulesTest {
  private static TestClient anonymous;

  @BeforeAll
  static void start(Vertx vertx) {
    anonymous = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(),
        Map.of("ARKLOOP_TRUSTED_PROXIES", "127.0.0.0/8, ::1, 10.0.0.0/8")).client();
    TestUsers.register(anonymous, "platform-root");
  }

  private static JsonObject rule(User user, String type, String cidr) {
    return rule(user, "198.51.100.5", type, cidr);
  }

  private static JsonObject rule(User user, String from, String type, String cidr) {
    HttpResponse<Buffer> response = user.client().withHeader("X-Forwarded-For", from).post("/v1/ip-rules",
        new JsonObject().put("type", type).put("cidr", cidr).put("note", "test"));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static int statusFrom(User user, String ip) {
    return user.client().withHeader("X-Forwarded-For", ip + ", 10.0.0.1").get("/v1/me").statusCode();
  }

  private static void assertDenied(User user, String ip) {
    JsonObject body = assertError(user.client().withHeader("X-Forwarded-For", ip).get("/v1/me"), 403, "policy.denied");
    assertEquals("ip_not_allowed", body.getJsonObject("details").getString("reason"));
  }

  @Test
  void aBlocklistBlocksItsNetworkOnly() {
    User user = TestUsers.register(anonymous, "blocked");
    JsonObject rule = rule(user, "blocklist", "203.0.113.9/24");
    assertEquals("203.0.113.0/24", rule.getString("cidr"));
    assertEquals("blocklist", rule.getString("type"));
    assertEquals(user.orgId(), rule.getString("org_id"));
    assertEquals("test", rule.getString("note"));

    assertDenied(user, "203.0.113.77");
    assertEquals(200, statusFrom(user, "198.51.100.1"));
    assertEquals(200, statusFrom(user, "2001:db8::1"));
  }

  @Test
  void anAllowlistAdmitsOnlyItsNetworksIncludingIpv6() {
    User user = TestUsers.register(anonymous, "allowed");
    JsonObject v4 = rule(user, "allowlist", "198.51.100.0/24");
    rule(user, "allowlist", "2001:db8::/32");
    assertEquals(200, statusFrom(user, "2001:db8:abcd::42"));
    assertEquals(200, statusFrom(user, "198.51.100.200"));
    assertDenied(user, "2001:db9::1");
    assertDenied(user, "192.0.2.1");
    assertDenied(user, "not-an-address");
    assertDenied(user, "999.999.999.999");

    assertEquals(204, user.client().withHeader("X-Forwarded-For", "198.51.100.1")
        .delete("/v1/ip-rules/" + v4.getString("id")).statusCode());
    assertDenied(user, "198.51.100.200");
  }

  @Test
  void aBlocklistEntryWinsOverAnAllowlist() {
    User user = TestUsers.register(anonymous, "both");
    rule(user, "192.0.2.1", "allowlist", "192.0.2.0/24");
    rule(user, "192.0.2.1", "blocklist", "192.0.2.128/25");
    assertEquals(200, statusFrom(user, "192.0.2.1"));
    assertDenied(user, "192.0.2.200");
  }

  @Test
  void aRuleThatWouldLockOutItsAuthorIsRefused() {
    User user = TestUsers.register(anonymous, "careful");
    TestClient from = user.client().withHeader("X-Forwarded-For", "198.51.100.9");
    JsonObject allow = assertError(from.post("/v1/ip-rules", new JsonObject().put("type", "allowlist")
        .put("cidr", "192.0.2.0/24")), 400, "validation.error");
    assertEquals("self_lockout", allow.getJsonObject("details").getString("reason"));
    assertError(from.post("/v1/ip-rules", new JsonObject().put("type", "blocklist").put("cidr", "198.51.100.0/24")),
        400, "validation.error");
    assertEquals(0, from.get("/v1/ip-rules").bodyAsJsonArray().size());
    assertEquals(200, from.get("/v1/me").statusCode());
  }

  @Test
  void rulesAreListedAndValidated() {
    User user = TestUsers.register(anonymous, "lister");
    String id = rule(user, "blocklist", "::1/128").getString("id");
    assertEquals(1, user.client().get("/v1/ip-rules").bodyAsJsonArray().size());
    for (String bad : new String[] {"10.0.0.0/33", "999.1.1.1/8", "example.com", "2001:db8::/129", "10/8"}) {
      assertError(user.client().post("/v1/ip-rules", new JsonObject().put("type", "blocklist").put("cidr", bad)), 400,
          "validation.error");
    }
    assertError(user.client().post("/v1/ip-rules", new JsonObject().put("type", "greylist").put("cidr", "10.0.0.0/8")),
        400, "validation.error");
    assertError(user.client().post("/v1/ip-rules", new JsonObject().put("type", "blocklist").put("cidr", "10.0.0.0/8")
        .put("note", "n".repeat(501))), 400, "validation.error");
    assertError(user.client().post("/v1/ip-rules", new JsonObject().put("type", "blocklist")), 400,
        "validation.error");
    assertEquals(204, user.client().delete("/v1/ip-rules/" + id).statusCode());
    assertError(user.client().delete("/v1/ip-rules/" + id), 404, "ip_rules.not_found");
  }

  @Test
  void theAuditLogRecordsTheForwardedAddress() {
    User user = TestUsers.register(anonymous, "traced");
    assertEquals(201, user.client().withHeader("X-Forwarded-For", "2001:db8::7")
        .post("/v1/ip-rules", new JsonObject().put("type", "blocklist").put("cidr", "192.0.2.0/24")).statusCode());
    Await.until("audit entry", 10, () -> user.client().get("/v1/audit-logs?action=ip_rule.create")
        .bodyAsJsonObject().getLong("total") == 1);
    JsonObject entry = user.client().get("/v1/audit-logs?action=ip_rule.create").bodyAsJsonObject()
        .getJsonArray("data").getJsonObject(0);
    assertEquals("2001:db8::7", entry.getString("ip_address"));
  }

  @Test
  void theRefreshCookieIsSecureBehindAnHttpsProxy() {
    HttpResponse<Buffer> response = anonymous.withHeader("X-Forwarded-Proto", "https").post("/v1/auth/register",
        new JsonObject().put("login", "secure").put("password", TestUsers.PASSWORD).put("email", "s@example.com"));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    assertTrue(TestUsers.refreshSetCookie(response).toLowerCase(Locale.ROOT).contains("; secure"));
  }
}
