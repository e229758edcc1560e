package dev.arkloop.launcher;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.arkloop.api.ApiVerticle;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.worker.RunWorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import jakarta.mail.internet.MimeMessage;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Email verification and email sign-in codes end to end: the API enqueues, the worker delivers
 * over SMTP to GreenMail, and the test reads the code from the received mail.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class EmailFlowTest {
  private static final String PASSWORD = "correct horse battery";
  private static final Pattern CODE = Pattern.compile("\\b(\\d{6})\\b");
  private static final Pattern TOKEN = Pattern.compile("token=([A-Za-z0-9_-]{20,})");
  private static GreenMail smtp;
  private static TestClient anonymous;
  private static NodeEndpoints endpoints;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    int smtpPort = EmbeddedInfrastructure.freePort();
    smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    endpoints = TestInfra.get().newEndpoints();
    ArkloopConfig config = TestInfra.get().config(endpoints, Map.of(
        "ARKLOOP_SMTP_HOST", "127.0.0.1",
        "ARKLOOP_SMTP_PORT", String.valueOf(smtpPort),
        "ARKLOOP_SMTP_TLS_MODE", "none",
        "ARKLOOP_EMAIL_FROM", "Arkloop <no-reply@arkloop.test>",
        "ARKLOOP_APP_BASE_URL", "https://app.arkloop.test/",
        "ARKLOOP_AUTH_RATE_LIMIT_PER_MINUTE", "10000"));
    ApiVerticle api = new ApiVerticle(config, endpoints);
    Await.await(vertx.deployVerticle(api));
    Await.await(vertx.deployVerticle(new RunWorkerVerticle(config, endpoints)));
    anonymous = new TestClient(vertx, api.actualPort());
  }

  @AfterAll
  static void stop() {
    smtp.stop();
  }

  private static TestClient register(String login, String email) {
    HttpResponse<Buffer> response = anonymous.post("/v1/auth/register", new JsonObject()
        .put("login", login).put("password", PASSWORD).put("email", email));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return anonymous.withBearer(response.bodyAsJsonObject().getString("access_token"));
  }

  /** The body of the next mail to {@code to}, waiting for it to arrive. */
  private static String nextMailTo(String to, int alreadySeen) throws Exception {
    Await.until("mail to " + to, 20, () -> mailsTo(to).length > alreadySeen);
    return String.valueOf(mailsTo(to)[alreadySeen].getContent());
  }

  private static MimeMessage[] mailsTo(String to) {
    return Arrays.stream(smtp.getReceivedMessages()).filter(message -> {
      try {
        return message.getAllRecipients()[0].toString().equalsIgnoreCase(to);
      } catch (Exception e) {
        return false;
      }
    }).toArray(MimeMessage[]::new);
  }

  private static String find(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    assertTrue(matcher.find(), text);
    return matcher.group(1);
  }

  private static JsonObject otpVerify(String email, String otp) {
    return new JsonObject().put("email", email).put("otp", otp);
  }

  @Test
  void verificationLinkMarksTheAddressVerifiedOnce() throws Exception {
    TestClient alice = register("alice", "alice@example.com");
    assertFalse(alice.get("/v1/me").bodyAsJsonObject().getBoolean("email_verified"));

    assertEquals(204, alice.post("/v1/auth/email/verify/send", null).statusCode());
    String mail = nextMailTo("alice@example.com", 0);
    assertTrue(mail.contains("https://app.arkloop.test/verify-email?token="), mail);
    String token = find(TOKEN, mail);

    assertError(anonymous.post("/v1/auth/email/verify/confirm", new JsonObject().put("token", token + "x")), 422,
        "email.token_invalid");
    HttpResponse<Buffer> confirmed = anonymous.post("/v1/auth/email/verify/confirm",
        new JsonObject().put("token", token));
    assertEquals(200, confirmed.statusCode(), confirmed.bodyAsString());
    assertEquals(new JsonObject().put("ok", true), confirmed.bodyAsJsonObject());
    assertTrue(alice.get("/v1/me").bodyAsJsonObject().getBoolean("email_verified"));
    assertError(anonymous.post("/v1/auth/email/verify/confirm", new JsonObject().put("token", token)), 422,
        "email.token_invalid");

    // already verified: nothing more is queued, and once the mail queue has drained nothing more arrived
    assertEquals(204, alice.post("/v1/auth/email/verify/send", null).statusCode());
    assertEquals(1, jobsTo("alice@example.com"));
    awaitMailQueueDrained();
    assertEquals(1, mailsTo("alice@example.com").length);
  }

  @Test
  void resendingTooSoonIsRateLimited() throws Exception {
    TestClient dora = register("dora", "dora@example.com");
    assertEquals(204, dora.post("/v1/auth/email/verify/send", null).statusCode());
    HttpResponse<Buffer> again = dora.post("/v1/auth/email/verify/send", null);
    assertError(again, 429, "rate_limit");
    assertNotNull(again.getHeader("Retry-After"));
    nextMailTo("dora@example.com", 0);
  }

  @Test
  void signInWithAnEmailedCode() throws Exception {
    register("bob", "Bob@Example.com");
    assertEquals(204, anonymous.post("/v1/auth/email/otp/send", new JsonObject().put("email", "bob@example.com"))
        .statusCode());
    String code = find(CODE, nextMailTo("Bob@Example.com", 0));
    String wrong = code.equals("000000") ? "111111" : "000000";

    JsonObject error = assertError(anonymous.post("/v1/auth/email/otp/verify", otpVerify("bob@example.com", wrong)),
        422, "auth.otp_invalid");
    assertEquals("otp", error.getJsonObject("details").getString("field"));

    HttpResponse<Buffer> signedIn = anonymous.post("/v1/auth/email/otp/verify", otpVerify("BOB@example.com", code));
    assertEquals(200, signedIn.statusCode(), signedIn.bodyAsString());
    assertEquals("bearer", signedIn.bodyAsJsonObject().getString("token_type"));
    String cookie = signedIn.cookies().stream().filter(c -> c.startsWith("arkloop_refresh_token=")).findFirst()
        .orElseThrow();
    String attributes = cookie.toLowerCase(java.util.Locale.ROOT);
    assertTrue(attributes.contains("httponly") && attributes.contains("path=/v1/auth")
        && attributes.contains("samesite=lax"), cookie);
    JsonObject me = anonymous.withBearer(signedIn.bodyAsJsonObject().getString("access_token")).get("/v1/me")
        .bodyAsJsonObject();
    assertEquals("bob", me.getString("username"));
    assertTrue(me.getBoolean("email_verified"), "a correct code proves the address");

    assertError(anonymous.post("/v1/auth/email/otp/verify", otpVerify("bob@example.com", code)), 422,
        "auth.otp_invalid");
  }

  @Test
  void unknownAddressesGetTheSameAnswerAndNoMail() throws Exception {
    HttpResponse<Buffer> response = anonymous.post("/v1/auth/email/otp/send",
        new JsonObject().put("email", "nobody@example.com"));
    assertEquals(204, response.statusCode(), response.bodyAsString());
    assertEquals(0, jobsTo("nobody@example.com"));
    assertError(anonymous.post("/v1/auth/email/otp/verify", otpVerify("nobody@example.com", "123456")), 422,
        "auth.otp_invalid");
    awaitMailQueueDrained();
    assertEquals(0, mailsTo("nobody@example.com").length);
  }

  @Test
  void askingForCodesTooOftenIs429() {
    register("erin", "erin@example.com");
    assertEquals(204, anonymous.post("/v1/auth/email/otp/send", new JsonObject().put("email", "erin@example.com"))
        .statusCode());
    HttpResponse<Buffer> again = anonymous.post("/v1/auth/email/otp/send",
        new JsonObject().put("email", "ERIN@example.com"));
    JsonObject error = assertError(again, 429, "rate_limit");
    assertEquals("otp", error.getJsonObject("details").getString("reason"));
    assertNotNull(again.getHeader("Retry-After"));
    // unknown addresses are limited the same way, so the limit does not reveal accounts either
    assertEquals(204, anonymous.post("/v1/auth/email/otp/send", new JsonObject().put("email", "ghost@example.com"))
        .statusCode());
    assertError(anonymous.post("/v1/auth/email/otp/send", new JsonObject().put("email", "ghost@example.com")), 429,
        "rate_limit");
  }

  @Test
  void aCodeDiesAfterTooManyWrongGuesses() throws Exception {
    register("frank", "frank@example.com");
    assertEquals(204, anonymous.post("/v1/auth/email/otp/send", new JsonObject().put("email", "frank@example.com"))
        .statusCode());
    String code = find(CODE, nextMailTo("frank@example.com", 0));
    String wrong = code.equals("999999") ? "888888" : "999999";
    for (int i = 0; i < 5; i++) {
      assertError(anonymous.post("/v1/auth/email/otp/verify", otpVerify("frank@example.com", wrong)), 422,
          "auth.otp_invalid");
    }
    HttpResponse<Buffer> locked = anonymous.post("/v1/auth/email/otp/verify", otpVerify("frank@example.com", code));
    JsonObject error = assertError(locked, 429, "rate_limit");
    assertEquals("otp", error.getJsonObject("details").getString("reason"));
    assertNotNull(locked.getHeader("Retry-After"));
  }

  @Test
  void expiredCodesAndLinksAreInvalid() throws Exception {
    TestClient gina = register("gina", "gina@example.com");
    assertEquals(204, gina.post("/v1/auth/email/verify/send", null).statusCode());
    String token = find(TOKEN, nextMailTo("gina@example.com", 0));
    assertEquals(204, anonymous.post("/v1/auth/email/otp/send", new JsonObject().put("email", "gina@example.com"))
        .statusCode());
    String code = find(CODE, nextMailTo("gina@example.com", 1));
    TestInfra.execute(endpoints.database(), "UPDATE email_tokens SET expires_at = now() - interval '1 second' "
        + "WHERE email = 'gina@example.com'");
    assertError(anonymous.post("/v1/auth/email/verify/confirm", new JsonObject().put("token", token)), 422,
        "email.token_invalid");
    assertError(anonymous.post("/v1/auth/email/otp/verify", otpVerify("gina@example.com", code)), 422,
        "auth.otp_invalid");
    assertFalse(gina.get("/v1/me").bodyAsJsonObject().getBoolean("email_verified"));
  }

  @Test
  void badInputIsRejectedBeforeAnythingIsSent() {
    assertError(anonymous.post("/v1/auth/email/otp/send", new JsonObject()), 400, "validation.error");
    assertError(anonymous.post("/v1/auth/email/otp/send", new JsonObject().put("email", "not-an-address")), 400,
        "validation.error");
    assertError(anonymous.post("/v1/auth/email/otp/send", new JsonObject().put("email", 42)), 422,
        "validation.error");
    assertError(anonymous.post("/v1/auth/email/otp/send",
        new JsonObject().put("email", "a".repeat(300) + "@example.com")), 400, "validation.error");
    assertError(anonymous.post("/v1/auth/email/otp/verify", new JsonObject().put("email", "x@example.com")), 400,
        "validation.error");
    assertError(anonymous.post("/v1/auth/email/verify/confirm", new JsonObject()), 400, "validation.error");
    assertError(anonymous.post("/v1/auth/email/verify/send", null), 401, "auth.unauthorized");
  }

  private static int jobsTo(String address) {
    return countJobs("lower(payload->>'to') = '" + address + "'");
  }

  /** The positive signal that every queued mail had its chance to be sent. */
  private static void awaitMailQueueDrained() {
    Await.until("the mail queue to drain", 20, () -> countJobs("status IN ('queued', 'leased')") == 0);
  }

  private static int countJobs(String predicate) {
    var db = endpoints.database();
    try (Connection connection = DriverManager.getConnection(db.jdbcUrl(), db.jdbcProperties());
        ResultSet rows = connection.createStatement().executeQuery(
            "SELECT count(*) FROM jobs WHERE type = 'email.send' AND " + predicate)) {
      rows.next();
      return rows.getInt(1);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
