package dev.arkloop.api.security;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.testing.TestClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every endpoint declares who may call it, so a narrowed API key reaches only what its scopes name,
 * and no API key drives its owner's session.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EndpointPermissionTest {
  private static Vertx vertx;
  private static ApiTestNode node;
  private static TestUsers.User owner;
  private static TestClient readOnlyKey;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    node = ApiTestNode.start(vertx);
    TestUsers.register(node.client(), "root");
    owner = TestUsers.register(node.client(), "keyowner");
    readOnlyKey = TestAccounts.apiKeyClient(node.client(), owner.client(), List.of("data.threads.read"));
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  private static void forbidden(HttpResponse<Buffer> response, String reason) {
    assertEquals(reason, assertError(response, 403, "auth.forbidden").getJsonObject("details").getString("reason"),
        response.bodyAsString());
  }

  @Test
  void aNarrowedKeyReachesOnlyItsScopes() {
    assertEquals(200, readOnlyKey.get("/v1/threads").statusCode());
    forbidden(readOnlyKey.patch("/v1/me", new JsonObject().put("username", "pwned")), "permission_missing");
    forbidden(readOnlyKey.post("/v1/accounts", new JsonObject().put("slug", "keyacct").put("name", "k")),
        "permission_missing");
    forbidden(readOnlyKey.post("/v1/me/invite-code/reset", null), "permission_missing");
    forbidden(readOnlyKey.post("/v1/account-invitations/some-token/accept", null), "permission_missing");
    forbidden(readOnlyKey.get("/v1/me/invite-code"), "permission_missing");
    assertEquals(List.of("data.threads.read"), readOnlyKey.get("/v1/me").bodyAsJsonObject()
        .getJsonArray("permissions").getList(), "who the key is stays readable");
    forbidden(readOnlyKey.get("/v1/tool-providers"), "permission_missing");
    forbidden(readOnlyKey.get("/v1/ip-rules"), "permission_missing");
    forbidden(readOnlyKey.get("/v1/accounts/" + owner.orgId() + "/usage"), "permission_missing");
    assertEquals("keyowner", owner.client().get("/v1/me").bodyAsJsonObject().getString("username"));
  }

  @Test
  void apiKeysNeverCallSessionEndpoints() {
    TestClient fullKey = TestAccounts.apiKeyClient(node.client(), owner.client(), List.of());
    for (TestClient key : List.of(readOnlyKey, fullKey)) {
      forbidden(key.post("/v1/auth/logout", null), "api_key_not_allowed");
      forbidden(key.post("/v1/auth/refresh", null), "api_key_not_allowed");
      forbidden(key.post("/v1/auth/email/verify/send", null), "api_key_not_allowed");
    }
    assertEquals(200, owner.client().get("/v1/me").statusCode(), "the owner is still signed in");
    assertEquals(200, fullKey.get("/v1/me").statusCode(), "a full key still acts for its owner elsewhere");
  }

  @Test
  void anEndpointThatDeclaresNothingIsAStartupError() {
    Routes routes = new Routes(Router.router(vertx), null, null);
    IllegalStateException error = assertThrows(IllegalStateException.class,
        () -> routes.post("/v1/undeclared").respond(ctx -> Future.succeededFuture()));
    assertTrue(error.getMessage().contains("/v1/undeclared"), error.getMessage());
  }
}
