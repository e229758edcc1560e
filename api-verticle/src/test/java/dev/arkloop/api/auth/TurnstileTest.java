package dev.arkloop.api.auth;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Cloudflare Turnstile against a local fake of its siteverify endpoint. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class TurnstileTest {
  private static final List<MultiMap> VERIFICATIONS = new CopyOnWriteArrayList<>();
  private static TestClient anonymous;

  @BeforeAll
  static void start(Vertx vertx) {
    HttpServer siteverify = Await.await(vertx.createHttpServer().requestHandler(request -> {
      request.setExpectMultipart(true);
      request.endHandler(done -> {
        MultiMap form = request.formAttributes();
        VERIFICATIONS.add(MultiMap.caseInsensitiveMultiMap().addAll(form));
        String token = form.get("response");
        if ("hang-up".equals(token)) {
          request.connection().close();
          return;
        }
        JsonObject answer = switch (token) {
          case "good-token" -> new JsonObject().put("success", true).put("hostname", "app.arkloop.test");
          case "other-host" -> new JsonObject().put("success", true).put("hostname", "evil.example");
          default -> new JsonObject().put("success", false).put("error-codes", List.of("invalid-input-response"));
        };
        request.response().putHeader("Content-Type", "application/json").end(answer.encode());
      });
    }).listen(0, "127.0.0.1"));
    anonymous = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), Map.of(
        "ARKLOOP_TURNSTILE_SECRET_KEY", "turnstile-secret",
        "ARKLOOP_TURNSTILE_SITE_KEY", "site-key-1",
        "ARKLOOP_TURNSTILE_ALLOWED_HOST", "app.arkloop.test",
        "ARKLOOP_TURNSTILE_VERIFY_URL", "http://127.0.0.1:" + siteverify.actualPort() + "/siteverify")).client();
  }

  private static JsonObject registration(String login, String captcha) {
    JsonObject body = new JsonObject().put("login", login).put("password", TestUsers.PASSWORD)
        .put("email", login + "@example.com");
    return captcha == null ? body : body.put("cf_turnstile_token", captcha);
  }

  @Test
  void theConfigNamesTheSiteKey() {
    assertEquals(new JsonObject().put("enabled", true).put("site_key", "site-key-1"),
        anonymous.get("/v1/auth/captcha-config").bodyAsJsonObject());
  }

  @Test
  void registrationNeedsAPassingToken() {
    assertError(anonymous.post("/v1/auth/register", registration("nocaptcha", null)), 422, "auth.captcha_invalid");
    assertError(anonymous.post("/v1/auth/register", registration("badcaptcha", "bad-token")), 422,
        "auth.captcha_invalid");
    assertError(anonymous.post("/v1/auth/register", registration("otherhost", "other-host")), 422,
        "auth.captcha_invalid");
    VERIFICATIONS.clear();
    assertEquals(201, anonymous.post("/v1/auth/register", registration("human", "good-token")).statusCode());
    assertEquals(1, VERIFICATIONS.size());
    assertEquals("turnstile-secret", VERIFICATIONS.get(0).get("secret"));
    assertEquals("good-token", VERIFICATIONS.get(0).get("response"));
    assertEquals("127.0.0.1", VERIFICATIONS.get(0).get("remoteip"));
  }

  @Test
  void loginChecksTheTokenBeforeThePassword() {
    assertEquals(201, anonymous.post("/v1/auth/register", registration("signer", "good-token")).statusCode());
    JsonObject login = new JsonObject().put("login", "signer").put("password", TestUsers.PASSWORD);
    assertError(anonymous.post("/v1/auth/login", login.copy()), 422, "auth.captcha_invalid");
    assertError(anonymous.post("/v1/auth/login", login.copy().put("cf_turnstile_token", "bad-token")), 422,
        "auth.captcha_invalid");
    assertEquals(200, anonymous.post("/v1/auth/login", login.copy().put("cf_turnstile_token", "good-token"))
        .statusCode());
  }

  @Test
  void anUnreachableVerifierFailsClosedWith503() {
    assertError(anonymous.post("/v1/auth/register", registration("unlucky", "hang-up")), 503,
        "auth.captcha_unavailable");
  }
}
