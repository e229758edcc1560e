package dev.arkloop.launcher;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * SMTP settings stored over the API win over the environment's, and the running worker sends the
 * next mail with them: no restart.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class MailSettingsFlowTest {
  private static GreenMail fromEnvironment;
  private static GreenMail fromDatabase;
  private static TestNode node;
  private static TestClient admin;

  @BeforeAll
  static void start() throws Exception {
    fromEnvironment = smtpServer();
    fromDatabase = smtpServer();
    fromDatabase.setUser("mailer@arkloop.test", "mailer", "very-secret-pass"); // the sealed password must open
    node = TestNode.start(Map.of(
        "ARKLOOP_SMTP_HOST", "127.0.0.1",
        "ARKLOOP_SMTP_PORT", String.valueOf(fromEnvironment.getSmtp().getPort()),
        "ARKLOOP_SMTP_TLS_MODE", "none",
        "ARKLOOP_EMAIL_FROM", "Env <env@arkloop.test>"));
    admin = node.register("root");
  }

  private static GreenMail smtpServer() throws Exception {
    GreenMail server = new GreenMail(new ServerSetup(EmbeddedInfrastructure.freePort(), "127.0.0.1",
        ServerSetup.PROTOCOL_SMTP));
    server.start();
    return server;
  }

  @AfterAll
  static void stop() {
    node.close();
    fromEnvironment.stop();
    fromDatabase.stop();
  }

  private static void sendTest(String to) {
    assertEquals(204, admin.post("/v1/admin/email/test", new JsonObject().put("to", to)).statusCode());
  }

  @Test
  void storedSettingsWinOverTheEnvironmentAndApplyToTheNextMail() throws Exception {
    assertEquals("env", admin.get("/v1/admin/email/status").bodyAsJsonObject().getString("source"));
    sendTest("first@example.com");
    Await.until("mail through the environment's server", 20, () -> fromEnvironment.getReceivedMessages().length == 1);

    JsonObject settings = new JsonObject().put("from", "Db <db@arkloop.test>").put("smtp_host", "127.0.0.1")
        .put("smtp_port", fromDatabase.getSmtp().getPort()).put("smtp_user", "mailer")
        .put("smtp_pass", "very-secret-pass").put("smtp_tls_mode", "none");
    assertEquals(204, admin.put("/v1/admin/email/config", settings).statusCode());

    JsonObject status = admin.get("/v1/admin/email/status").bodyAsJsonObject();
    assertEquals("db", status.getString("source"));
    assertEquals("Db <db@arkloop.test>", status.getString("from"));
    String shown = admin.get("/v1/admin/email/config").bodyAsString();
    assertFalse(shown.contains("very-secret-pass"));
    assertTrue(new JsonObject(shown).getBoolean("smtp_pass_set"));
    String stored = TestInfra.queryValue(node.endpoints().database(), "SELECT smtp_pass_enc FROM mail_settings");
    assertNotNull(stored);
    assertFalse(stored.contains("very-secret-pass"));

    sendTest("second@example.com");
    Await.until("mail through the stored server", 20, () -> fromDatabase.getReceivedMessages().length == 1);
    assertEquals("second@example.com", fromDatabase.getReceivedMessages()[0].getAllRecipients()[0].toString());
    assertEquals(1, fromEnvironment.getReceivedMessages().length);

    // without smtp_pass the stored password stays
    JsonObject kept = settings.copy();
    kept.remove("smtp_pass");
    assertEquals(204, admin.put("/v1/admin/email/config", kept).statusCode());
    assertTrue(admin.get("/v1/admin/email/config").bodyAsJsonObject().getBoolean("smtp_pass_set"));

    assertError(admin.put("/v1/admin/email/config", kept.copy().put("smtp_tls_mode", "ssl3")), 400,
        "validation.error");
    assertError(admin.put("/v1/admin/email/config", kept.copy().put("smtp_port", 70000)), 400, "validation.error");
    assertError(admin.put("/v1/admin/email/config", kept.copy().put("smtp_port", "25")), 422, "validation.error");
    TestClient other = node.register("not-admin");
    assertEquals("platform.admin", assertError(other.put("/v1/admin/email/config", kept), 403, "auth.forbidden")
        .getJsonObject("details").getString("permission"));
    Await.until("the change audited with its states", 10, () -> !"0".equals(TestInfra.queryValue(
        node.endpoints().database(), "SELECT count(*) FROM audit_logs WHERE action = 'email.config_update' "
            + "AND before_state->>'source' IS NULL AND after_state->>'smtp_host' = '127.0.0.1'")));
  }
}
