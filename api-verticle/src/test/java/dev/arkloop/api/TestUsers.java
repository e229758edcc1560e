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
  public record User(String id, String login, String orgId, String token, TestClient client, String refreshCookie) {}

  public static User register(TestClient anonymous, String login) {
    HttpResponse<Buffer> response = anonymous.post("/v1/auth/register", new JsonObject()
        .put("login", login).put("password", PASSWORD).put("email", login + "@example.com"));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    String token = response.bodyAsJsonObject().getString("access_token");
    TestClient client = anonymous.withBearer(token);
    JsonObject me = client.get("/v1/me").bodyAsJsonObject();
    return new User(response.bodyAsJsonObject().getString("user_id"), login, me.getString("org_id"), token, client,
        refreshCookie(response));
  }

  /** The {@code name=value} of the refresh cookie a response set, or null. */
  public static String refreshCookie(HttpResponse<Buffer> response) {
    for (String cookie : response.cookies()) {
      if (cookie.startsWith("arkloop_refresh_token=")) {
        return cookie.substring(0, cookie.indexOf(';'));
      }
    }
    return null;
  }
}
