package dev.arkloop.api.auth;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Sign-up, sign-in, refresh rotation and sign-out through the real HTTP API. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AuthFlowTest {
  private static ApiTestNode node;
  private static TestClient anonymous;
  private static User root;

  @BeforeAll
  static void start(Vertx vertx) {
    node = ApiTestNode.start(vertx);
    anonymous = node.client();
    root = TestUsers.register(anonymous, "root");
  }

  private static HttpResponse<Buffer> login(String login, String password) {
    return anonymous.post("/v1/auth/login", new JsonObject().put("login", login).put("password", password));
  }

  private static HttpResponse<Buffer> register(JsonObject body) {
    return anonymous.post("/v1/auth/register", body);
  }

  private static JsonObject registration(String login) {
    return new JsonObject().put("login", login).put("password", TestUsers.PASSWORD).put("email", login + "@example.com");
  }

  private static HttpResponse<Buffer> refresh(String cookie) {
    TestClient client = cookie == null ? anonymous : anonymous.withHeader("Cookie", cookie);
    return client.post("/v1/auth/refresh", null);
  }

  @Test
  void theFirstUserIsPlatformAdminAndTheNextIsNot() {
    JsonObject me = root.client().get("/v1/me").bodyAsJsonObject();
    assertEquals("platform_admin", me.getString("role"));
    assertTrue(me.getJsonArray("permissions").contains("platform.admin"));

    User second = TestUsers.register(anonymous, "second");
    JsonObject secondMe = second.client().get("/v1/me").bodyAsJsonObject();
    assertEquals("account_admin", secondMe.getString("role"));
    assertFalse(secondMe.getJsonArray("permissions").contains("platform.admin"));
    assertTrue(secondMe.getJsonArray("permissions").contains("org.members.invite"));
  }

  @Test
  void registrationReturnsATokenAndARefreshCookie() {
    HttpResponse<Buffer> response = register(registration("cookie-user").put("locale", "de-DE"));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("bearer", body.getString("token_type"));
    assertNotNull(body.getString("access_token"));
    assertNotNull(body.getString("user_id"));

    String cookie = TestUsers.refreshSetCookie(response);
    assertNotNull(cookie);
    String attributes = cookie.toLowerCase(Locale.ROOT);
    assertTrue(attributes.contains("; httponly"), cookie);
    assertTrue(attributes.contains("; path=/v1/auth"), cookie);
    assertTrue(attributes.contains("; samesite=lax"), cookie);
    assertTrue(attributes.contains("; max-age=2592000"), cookie);
    assertTrue(attributes.contains("; expires="), cookie);
    assertFalse(attributes.contains("; secure"), "plain HTTP: not Secure " + cookie);

    JsonObject me = anonymous.withBearer(body.getString("access_token")).get("/v1/me").bodyAsJsonObject();
    assertEquals(body.getString("user_id"), me.getString("id"));
    assertEquals("cookie-user", me.getString("username"));
    assertEquals("cookie-user@example.com", me.getString("email"));
    assertFalse(me.getBoolean("email_verified"));
    assertNotNull(me.getString("org_id"));
    assertEquals("cookie-user", me.getString("org_name"));
    assertNotNull(me.getString("created_at"));
  }

  @Test
  void registrationCreatesAPersonalAccount() {
    User user = TestUsers.register(anonymous, "personal");
    JsonObject account = user.client().get("/v1/accounts/" + user.orgId()).bodyAsJsonObject();
    assertEquals("personal", account.getString("type"));
    assertEquals("personal", account.getString("slug"));
    assertEquals("account_admin", user.client().get("/v1/accounts/me").bodyAsJsonArray().getJsonObject(0)
        .getString("role"));
  }

  @Test
  void loginAcceptsLoginOrEmailInAnyCase() {
    TestUsers.register(anonymous, "carla");
    assertEquals(200, login("carla", TestUsers.PASSWORD).statusCode());
    assertEquals(200, login("CARLA", TestUsers.PASSWORD).statusCode());
    HttpResponse<Buffer> byEmail = login("Carla@Example.com", TestUsers.PASSWORD);
    assertEquals(200, byEmail.statusCode(), byEmail.bodyAsString());
    assertNotNull(TestUsers.refreshCookie(byEmail));
  }

  @Test
  void wrongPasswordAndUnknownLoginGetTheSameAnswer() {
    TestUsers.register(anonymous, "dave");
    JsonObject wrong = assertError(login("dave", "wrong password!"), 401, "auth.unauthorized");
    JsonObject unknown = assertError(login("nobody-here", "wrong password!"), 401, "auth.unauthorized");
    assertEquals("invalid_credentials", wrong.getJsonObject("details").getString("reason"));
    assertEquals(wrong.getString("message"), unknown.getString("message"));
    assertEquals(wrong.getJsonObject("details"), unknown.getJsonObject("details"));
    assertNull(TestUsers.refreshCookie(login("dave", "wrong password!")));
  }

  @Test
  void aSuspendedUserCannotSignIn() {
    User user = TestUsers.register(anonymous, "suspended");
    TestInfra.execute(node.endpoints().database(), "UPDATE users SET status = 'suspended' WHERE id = '" + user.id() + "'");
    JsonObject body = assertError(login("suspended", TestUsers.PASSWORD), 403, "auth.forbidden");
    assertEquals("user_suspended", body.getJsonObject("details").getString("reason"));
    // a wrong password still says nothing about the account
    assertError(login("suspended", "not the password"), 401, "auth.unauthorized");
  }

  @Test
  void duplicateLoginAndEmailAreConflicts() {
    TestUsers.register(anonymous, "erik");
    assertError(register(registration("ERIK").put("email", "other@example.com")), 409, "auth.login_exists");
    assertError(register(registration("erik2").put("email", "Erik@example.com")), 409, "users.email_conflict");
  }

  @Test
  void badRegistrationInputIsRejected() {
    assertError(register(registration("weak").put("password", "short")), 422, "validation.error");
    assertError(register(registration("long-pw").put("password", "x".repeat(300))), 422, "validation.error");
    assertError(register(registration("has space")), 400, "validation.error");
    assertError(register(registration("x".repeat(65))), 400, "validation.error");
    assertError(register(registration("-leading")), 400, "validation.error");
    assertError(register(registration("bademail").put("email", "not-an-email")), 400, "validation.error");
    assertError(register(registration("noemail").put("email", null)), 400, "validation.error");
    assertError(register(registration("locale").put("locale", "x".repeat(40))), 400, "validation.error");
    assertError(register(registration("types").put("password", 12345678)), 422, "validation.error");
    assertError(register(new JsonObject().put("password", TestUsers.PASSWORD)), 400, "validation.error");
    assertError(anonymous.sendRaw(HttpMethod.POST, "/v1/auth/register", "{\"login\": "), 422, "validation.error");
    assertError(anonymous.sendRaw(HttpMethod.POST, "/v1/auth/login", "[]"), 422, "validation.error");
    assertError(login("x".repeat(300), "whatever"), 400, "validation.error");
  }

  @Test
  void sqlLookingInputIsStoredLiterally() {
    User user = TestUsers.register(anonymous, "bobby");
    String evil = "x'); DROP TABLE users;--";
    HttpResponse<Buffer> updated = user.client().patch("/v1/me", new JsonObject().put("username", evil));
    assertEquals(200, updated.statusCode(), updated.bodyAsString());
    assertEquals(evil, updated.bodyAsJsonObject().getString("username"));
    assertEquals(evil, user.client().get("/v1/me").bodyAsJsonObject().getString("username"));
    assertError(login("' OR '1'='1", "' OR '1'='1"), 401, "auth.unauthorized");
    assertEquals(200, login("bobby", TestUsers.PASSWORD).statusCode(), "users table still there");
  }

  @Test
  void profileUpdatesAreValidated() {
    User user = TestUsers.register(anonymous, "profile");
    HttpResponse<Buffer> ok = user.client().patch("/v1/me", new JsonObject().put("timezone", "Europe/Berlin"));
    assertEquals(200, ok.statusCode(), ok.bodyAsString());
    assertEquals("Europe/Berlin", user.client().get("/v1/me").bodyAsJsonObject().getString("timezone"));
    assertError(user.client().patch("/v1/me", new JsonObject().put("timezone", "Mars/Olympus")), 400,
        "validation.error");
    assertError(user.client().patch("/v1/me", new JsonObject().put("username", "")), 400, "validation.error");
    assertError(user.client().patch("/v1/me", new JsonObject().put("username", "u".repeat(65))), 400,
        "validation.error");
    assertError(user.client().patch("/v1/me", new JsonObject().put("username", 7)), 422, "validation.error");
  }

  @Test
  void checkTellsWhetherALoginOrEmailExists() {
    TestUsers.register(anonymous, "fiona");
    assertTrue(anonymous.post("/v1/auth/check", new JsonObject().put("login", "FIONA")).bodyAsJsonObject()
        .getBoolean("exists"));
    assertTrue(anonymous.post("/v1/auth/check", new JsonObject().put("login", "fiona@example.com"))
        .bodyAsJsonObject().getBoolean("exists"));
    assertFalse(anonymous.post("/v1/auth/check", new JsonObject().put("login", "ghost")).bodyAsJsonObject()
        .getBoolean("exists"));
    assertError(anonymous.post("/v1/auth/check", new JsonObject()), 400, "validation.error");
  }

  @Test
  void publicConfigEndpoints() {
    assertEquals(new JsonObject().put("mode", "open"), anonymous.get("/v1/auth/registration-mode").bodyAsJsonObject());
    JsonObject captcha = anonymous.get("/v1/auth/captcha-config").bodyAsJsonObject();
    assertFalse(captcha.getBoolean("enabled"));
    assertTrue(captcha.containsKey("site_key"));
  }

  @Test
  void refreshRotatesTheCookie() {
    User user = TestUsers.register(anonymous, "rotor");
    HttpResponse<Buffer> first = refresh(user.refreshCookie());
    assertEquals(200, first.statusCode(), first.bodyAsString());
    String next = TestUsers.refreshCookie(first);
    assertNotNull(next);
    assertNotEquals(user.refreshCookie(), next);
    String access = first.bodyAsJsonObject().getString("access_token");
    assertEquals("bearer", first.bodyAsJsonObject().getString("token_type"));
    assertEquals(user.id(), anonymous.withBearer(access).get("/v1/me").bodyAsJsonObject().getString("id"));

    HttpResponse<Buffer> second = refresh(next);
    assertEquals(200, second.statusCode(), second.bodyAsString());
    assertNotNull(TestUsers.refreshCookie(second));
  }

  @Test
  void reusingARotatedRefreshTokenRevokesTheWholeFamily() {
    User user = TestUsers.register(anonymous, "victim");
    HttpResponse<Buffer> rotated = refresh(user.refreshCookie());
    String newest = TestUsers.refreshCookie(rotated);

    HttpResponse<Buffer> replay = refresh(user.refreshCookie());
    JsonObject error = assertError(replay, 401, "auth.unauthorized");
    assertEquals("invalid_token", error.getJsonObject("details").getString("reason"));
    assertNull(TestUsers.refreshCookie(replay), "a failed refresh does not clear the cookie");

    assertError(refresh(newest), 401, "auth.unauthorized");
    assertError(user.client().get("/v1/me"), 401, "auth.unauthorized");
    assertError(anonymous.withBearer(rotated.bodyAsJsonObject().getString("access_token")).get("/v1/me"), 401,
        "auth.unauthorized");
    // another sign-in (another family) is unaffected
    User again = TestUsers.login(anonymous, "victim");
    assertEquals(200, refresh(again.refreshCookie()).statusCode());
  }

  @Test
  void refreshWithoutOrWithAGarbageCookieIs401() {
    JsonObject missing = assertError(refresh(null), 401, "auth.unauthorized");
    assertEquals("missing_token", missing.getJsonObject("details").getString("reason"));
    JsonObject garbage = assertError(refresh("arkloop_refresh_token=garbage"), 401, "auth.unauthorized");
    assertEquals("invalid_token", garbage.getJsonObject("details").getString("reason"));
  }

  @Test
  void logoutInvalidatesTheAccessTokenAndTheRefreshCookie() {
    User user = TestUsers.register(anonymous, "leaver");
    HttpResponse<Buffer> out = user.client().withHeader("Cookie", user.refreshCookie()).post("/v1/auth/logout", null);
    assertEquals(200, out.statusCode(), out.bodyAsString());
    assertEquals(new JsonObject().put("ok", true), out.bodyAsJsonObject());
    String cleared = TestUsers.refreshSetCookie(out);
    assertNotNull(cleared);
    assertTrue(cleared.startsWith("arkloop_refresh_token=;"), cleared);
    assertTrue(cleared.toLowerCase(Locale.ROOT).contains("max-age=0"), cleared);
    assertTrue(cleared.contains("Path=/v1/auth"), cleared);

    JsonObject error = assertError(user.client().get("/v1/me"), 401, "auth.unauthorized");
    assertEquals("invalid_token", error.getJsonObject("details").getString("reason"));
    assertError(refresh(user.refreshCookie()), 401, "auth.unauthorized");

    User back = TestUsers.login(anonymous, "leaver");
    assertEquals(200, back.client().get("/v1/me").statusCode(), "signing in again works");
  }

  @Test
  void logoutNeedsAnAccessToken() {
    assertError(anonymous.post("/v1/auth/logout", null), 401, "auth.unauthorized");
  }
}
