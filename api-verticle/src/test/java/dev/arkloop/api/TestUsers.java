package dev.arkloop.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.common.testing.TestClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

/** Signs users up and in through the real auth endpoints. */
public final class TestUsers {
  public static final String PASSWORD = "correct horse battery";

  private TestUsers() {}

  /** A registered user: id, personal account, and a client that sends their access token. */
  public record User(String id, String login, String orgId, String token, TestClient client, String refreshCookie) {

    /** The same user acting in another account ({@code X-Account-Id}). */
    public TestClient in(String accountId) {
      return client.withHeader("X-Account-Id", accountId);
    }
  }

  public static User register(TestClient anonymous, String login) {
    HttpResponse<Buffer> response = anonymous.post("/v1/auth/register", new JsonObject()
        .put("login", login).put("password", PASSWORD).put("email", login + "@example.com"));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return signedIn(anonymous, login, response);
  }

  /** Signs in with the test password; the response must be 200. */
  public static User login(TestClient anonymous, String login) {
    HttpResponse<Buffer> response = anonymous.post("/v1/auth/login",
        new JsonObject().put("login", login).put("password", PASSWORD));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return signedIn(anonymous, login, response);
  }

  private static User signedIn(TestClient anonymous, String login, HttpResponse<Buffer> response) {
    String token = response.bodyAsJsonObject().getString("access_token");
    TestClient client = anonymous.withBearer(token);
    HttpResponse<Buffer> meResponse = client.get("/v1/me");
    assertEquals(200, meResponse.statusCode(), meResponse.bodyAsString());
    JsonObject me = meResponse.bodyAsJsonObject();
    return new User(me.getString("id"), login, me.getString("org_id"), token, client, refreshCookie(response));
  }

  /** The {@code name=value} of the refresh cookie a response set, or null. */
  public static String refreshCookie(HttpResponse<Buffer> response) {
    String cookie = refreshSetCookie(response);
    return cookie == null ? null : cookie.substring(0, cookie.indexOf(';'));
  }

  /** The whole {@code Set-Cookie} value of the refresh cookie, with its attributes, or null. */
  public static String refreshSetCookie(HttpResponse<Buffer> response) {
    for (String cookie : response.cookies()) {
      if (cookie.startsWith("arkloop_refresh_token=")) {
        return cookie;
      }
    }
    return null;
  }
}
