package dev.arkloop.api.email;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The email endpoints on the API alone: refused while SMTP is not configured, and with it what they
 * write to the outbox. Delivery by the worker is tested in the launcher module (EmailFlowTest).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class EmailEndpointsTest {
  private static ApiTestNode withoutSmtp;
  private static ApiTestNode withSmtp;
  private static User plainAdmin;
  private static User smtpAdmin;

  @BeforeAll
  static void start(Vertx vertx) {
    withoutSmtp = ApiTestNode.start(vertx);
    withSmtp = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), Map.of(
        "ARKLOOP_SMTP_HOST", "smtp.example.com",
        "ARKLOOP_SMTP_USER", "mailer",
        "ARKLOOP_SMTP_PASS", "smtp-password-123",
        "ARKLOOP_EMAIL_FROM", "Arkloop <no-reply@example.com>"));
    plainAdmin = TestUsers.register(withoutSmtp.client(), "admin");
    smtpAdmin = TestUsers.register(withSmtp.client(), "admin");
  }

  private static String jobCount(ApiTestNode node) {
    return TestInfra.queryValue(node.endpoints().database(), "SELECT count(*) FROM jobs WHERE type = 'email.send'");
  }

  @Test
  void withoutSmtpTheServerSaysSo() {
    assertEquals(new JsonObject().put("configured", false).putNull("from").put("source", "none"),
        plainAdmin.client().get("/v1/admin/email/status").bodyAsJsonObject());
    JsonObject otp = assertError(withoutSmtp.client().post("/v1/auth/email/otp/send",
        new JsonObject().put("email", "admin@example.com")), 503, "auth.otp_unavailable");
    assertEquals("smtp_not_configured", otp.getJsonObject("details").getString("reason"));
    assertError(withoutSmtp.client().post("/v1/auth/email/otp/verify",
        new JsonObject().put("email", "admin@example.com").put("otp", "123456")), 503, "auth.otp_unavailable");
    assertError(plainAdmin.client().post("/v1/auth/email/verify/send", null), 503, "email.not_configured");
    assertError(plainAdmin.client().post("/v1/admin/email/test", new JsonObject().put("to", "x@example.com")), 503,
        "email.not_configured");
    assertEquals("0", jobCount(withoutSmtp));
  }

  @Test
  void statusAndConfigNeverShowThePassword() {
    assertEquals(new JsonObject().put("configured", true).put("from", "Arkloop <no-reply@example.com>")
        .put("source", "env"), smtpAdmin.client().get("/v1/admin/email/status").bodyAsJsonObject());
    String config = smtpAdmin.client().get("/v1/admin/email/config").bodyAsString();
    JsonObject json = new JsonObject(config);
    assertEquals("smtp.example.com", json.getString("smtp_host"));
    assertEquals(587, json.getInteger("smtp_port"));
    assertEquals("starttls", json.getString("smtp_tls_mode"));
    assertEquals(true, json.getBoolean("smtp_pass_set"));
    assertFalse(config.contains("smtp-password-123"));
  }

  @Test
  void onlyPlatformAdminsSeeMailSettings() {
    User other = TestUsers.register(withSmtp.client(), "not-admin");
    JsonObject body = assertError(other.client().get("/v1/admin/email/status"), 403, "auth.forbidden");
    assertEquals("permission_missing", body.getJsonObject("details").getString("reason"));
    assertError(other.client().post("/v1/admin/email/test", new JsonObject().put("to", "x@example.com")), 403,
        "auth.forbidden");
  }

  @Test
  void aUserWithoutAnAddressGets422() {
    User nameless = TestUsers.register(withSmtp.client(), "nameless");
    TestInfra.execute(withSmtp.endpoints().database(), "UPDATE users SET email = NULL WHERE id = '" + nameless.id() + "'");
    assertError(nameless.client().post("/v1/auth/email/verify/send", null), 422, "email.no_address");
  }

  @Test
  void requestsLandInTheOutboxAsJobs() {
    String before = jobCount(withSmtp);
    User user = TestUsers.register(withSmtp.client(), "outboxed");
    assertEquals(204, user.client().post("/v1/auth/email/verify/send", null).statusCode());
    assertEquals(204, smtpAdmin.client().post("/v1/admin/email/test", new JsonObject().put("to", "ops@example.com"))
        .statusCode());
    assertEquals(Integer.parseInt(before) + 2, Integer.parseInt(jobCount(withSmtp)));
    // only a hash of the token is kept with the user
    assertEquals("64", TestInfra.queryValue(withSmtp.endpoints().database(),
        "SELECT length(token_hash) FROM email_tokens WHERE user_id = '" + user.id() + "'"));
    assertError(smtpAdmin.client().post("/v1/admin/email/test", new JsonObject().put("to", "nope")), 400,
        "validation.error");
  }
}
