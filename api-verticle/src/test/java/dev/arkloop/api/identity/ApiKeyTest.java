package dev.arkloop.api.identity;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** API keys: shown once, stored hashed, narrowed by scopes, dead the moment they are revoked, on every node. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ApiKeyTest {
  private static ApiTestNode node;
  private static TestClient anonymous;
  private static User admin;
  private static User user;

  @BeforeAll
  static void start(Vertx vertx) {
    node = ApiTestNode.start(vertx);
    anonymous = node.client();
    admin = TestUsers.register(anonymous, "keymaster");
    user = TestUsers.register(anonymous, "keyholder");
  }

  private static JsonObject create(TestClient client, JsonObject body) {
    HttpResponse<Buffer> response = client.post("/v1/api-keys", body);
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static JsonObject create(String name, String... scopes) {
    JsonObject body = new JsonObject().put("name", name);
    if (scopes.length > 0) {
      body.put("scopes", new JsonArray(java.util.List.of(scopes)));
    }
    return create(user.client(), body);
  }

  @Test
  void aKeyIsShownOnceAndActsAsItsOwner() {
    JsonObject created = create("deploy");
    String key = created.getString("key");
    assertTrue(key.matches("al_[0-9a-f]{64}"), key);
    assertEquals(key.substring(0, 11), created.getString("key_prefix"));
    assertEquals(user.orgId(), created.getString("org_id"));
    assertEquals(user.id(), created.getString("user_id"));
    assertEquals("deploy", created.getString("name"));
    assertEquals(new JsonArray(), created.getJsonArray("scopes"));
    assertNull(created.getValue("revoked_at"));
    assertNotNull(created.getString("created_at"));

    HttpResponse<Buffer> list = user.client().get("/v1/api-keys");
    assertEquals(200, list.statusCode());
    assertFalse(list.bodyAsString().contains(key), "the plaintext key never comes back");
    assertTrue(list.bodyAsJsonArray().stream().map(JsonObject.class::cast).noneMatch(k -> k.containsKey("key")));

    JsonObject me = anonymous.withBearer(key).get("/v1/me").bodyAsJsonObject();
    assertEquals(user.id(), me.getString("id"));
    assertEquals(user.orgId(), me.getString("org_id"));
    assertEquals("account_admin", me.getString("role"));
    assertTrue(me.getJsonArray("permissions").contains("org.members.invite"), "empty scopes inherit the owner's");
  }

  @Test
  void lastUseIsRecordedWithoutAWritePerRequest() {
    JsonObject created = create("used");
    TestClient withKey = anonymous.withBearer(created.getString("key"));
    for (int i = 0; i < 3; i++) {
      assertEquals(200, withKey.get("/v1/me").statusCode());
    }
    Await.until("last_used_at", 10, () -> user.client().get("/v1/api-keys").bodyAsJsonArray().stream()
        .map(JsonObject.class::cast).anyMatch(k -> k.getString("id").equals(created.getString("id"))
            && k.getValue("last_used_at") != null));
    HttpResponse<Buffer> audit = user.client().get("/v1/audit-logs?action=api_key.used&limit=200");
    assertEquals(1, audit.bodyAsJsonObject().getJsonArray("data").stream().map(JsonObject.class::cast)
        .filter(e -> created.getString("id").equals(e.getString("target_id"))).count(),
        "one use record per key per minute: " + audit.bodyAsString());
  }

  @Test
  void aRevokedKeyFailsOnTheNextRequest() {
    JsonObject created = create("short-lived");
    TestClient withKey = anonymous.withBearer(created.getString("key"));
    assertEquals(200, withKey.get("/v1/me").statusCode());
    assertEquals(204, user.client().delete("/v1/api-keys/" + created.getString("id")).statusCode());
    JsonObject error = assertError(withKey.get("/v1/me"), 401, "auth.unauthorized");
    assertEquals("invalid_api_key", error.getJsonObject("details").getString("reason"));
    assertNotNull(user.client().get("/v1/api-keys").bodyAsJsonArray().stream().map(JsonObject.class::cast)
        .filter(k -> k.getString("id").equals(created.getString("id"))).findFirst().orElseThrow()
        .getString("revoked_at"));
    assertError(user.client().delete("/v1/api-keys/" + created.getString("id")), 404, "api_keys.not_found");
    assertError(user.client().delete("/v1/api-keys/" + UUID.randomUUID()), 404, "api_keys.not_found");
    assertError(user.client().delete("/v1/api-keys/12"), 400, "validation.error");
  }

  @Test
  void aRememberedKeyCostsNoLookupUntilItsOwnerChanges() {
    JsonObject created = create("remembered");
    TestClient withKey = anonymous.withBearer(created.getString("key"));
    assertEquals(200, withKey.get("/v1/me").statusCode());
    // written behind the API's back, without the signal every API change sends: the node still
    // believes the key it remembers, which shows the request did not look it up again
    TestInfra.execute(node.endpoints().database(),
        "UPDATE api_keys SET revoked_at = now() WHERE id = '" + created.getString("id") + "'");
    assertEquals(200, withKey.get("/v1/me").statusCode());
    // any change of the owner's keys through the API makes every remembered key of theirs be looked up again
    JsonObject other = create("other");
    assertEquals(204, user.client().delete("/v1/api-keys/" + other.getString("id")).statusCode());
    assertError(withKey.get("/v1/me"), 401, "auth.unauthorized");
  }

  @Test
  void unknownKeysAreRejected() {
    for (String key : new String[] {"al_" + "0".repeat(64), "al_short", "ak-legacy-unknown"}) {
      JsonObject error = assertError(anonymous.withBearer(key).get("/v1/me"), 401, "auth.unauthorized");
      assertEquals("invalid_api_key", error.getJsonObject("details").getString("reason"));
    }
  }

  @Test
  void scopesNarrowWhatAKeyMayDo() {
    JsonObject created = create("reader", "data.threads.read", "data.runs.read");
    assertEquals(new JsonArray().add("data.runs.read").add("data.threads.read"), created.getJsonArray("scopes"));
    TestClient withKey = anonymous.withBearer(created.getString("key"));
    assertEquals(new JsonArray().add("data.runs.read").add("data.threads.read"),
        withKey.get("/v1/me").bodyAsJsonObject().getJsonArray("permissions"));
    JsonObject denied = assertError(withKey.get("/v1/api-keys"), 403, "auth.forbidden");
    assertEquals("permission_missing", denied.getJsonObject("details").getString("reason"));
    assertEquals("data.api_keys.manage", denied.getJsonObject("details").getString("permission"));
  }

  @Test
  void aKeyCannotMintAWiderKey() {
    TestClient keyManager = anonymous.withBearer(create("minter", "data.api_keys.manage").getString("key"));
    JsonObject error = assertError(keyManager.post("/v1/api-keys", new JsonObject().put("name", "wider")
        .put("scopes", new JsonArray().add("data.threads.write"))), 403, "api_keys.scope_forbidden");
    assertEquals(new JsonArray().add("data.threads.write"), error.getJsonObject("details").getJsonArray("scopes"));
    // no scopes asked for: the child inherits the parent's narrow set, not the owner's
    JsonObject child = create(keyManager, new JsonObject().put("name", "child"));
    assertEquals(new JsonArray().add("data.api_keys.manage"), child.getJsonArray("scopes"));
  }

  @Test
  void scopeValidation() {
    JsonObject unknown = assertError(user.client().post("/v1/api-keys", new JsonObject().put("name", "x")
        .put("scopes", new JsonArray().add("data.threads.read").add("root.everything"))), 422, "validation.error");
    assertEquals(new JsonArray().add("root.everything"), unknown.getJsonObject("details").getJsonArray("scopes"));
    JsonObject beyond = assertError(user.client().post("/v1/api-keys", new JsonObject().put("name", "x")
        .put("scopes", new JsonArray().add("platform.admin"))), 403, "api_keys.scope_forbidden");
    assertEquals(new JsonArray().add("platform.admin"), beyond.getJsonObject("details").getJsonArray("scopes"));
    // the platform admin holds it, so may grant it
    assertEquals(new JsonArray().add("platform.admin"), create(admin.client(), new JsonObject().put("name", "ops")
        .put("scopes", new JsonArray().add("platform.admin"))).getJsonArray("scopes"));
    assertError(user.client().post("/v1/api-keys", new JsonObject().put("name", "x").put("scopes", "data.threads.read")),
        422, "validation.error");
    assertError(user.client().post("/v1/api-keys", new JsonObject().put("name", "x").put("scopes", new JsonArray().add(1))),
        422, "validation.error");
    assertError(user.client().post("/v1/api-keys", new JsonObject()), 400, "validation.error");
    assertError(user.client().post("/v1/api-keys", new JsonObject().put("name", "n".repeat(201))), 400,
        "validation.error");
  }

  @Test
  void aKeyActsOnlyInItsOwnAccount() {
    TestClient withKey = anonymous.withBearer(create("home").getString("key"));
    JsonObject error = assertError(withKey.withHeader("X-Account-Id", admin.orgId()).get("/v1/me"), 403,
        "auth.forbidden");
    assertEquals("no_account_membership", error.getJsonObject("details").getString("reason"));
  }

  @Test
  void thePlaintextKeyNeverReachesTheAuditLog() {
    JsonObject created = create("audited");
    String key = created.getString("key");
    assertEquals(200, anonymous.withBearer(key).get("/v1/me").statusCode());
    assertEquals(204, user.client().delete("/v1/api-keys/" + created.getString("id")).statusCode());
    Await.until("api_key audit entries", 10, () -> user.client()
        .get("/v1/audit-logs?target_type=api_key&limit=200").bodyAsJsonObject().getLong("total") >= 2);
    HttpResponse<Buffer> audit = user.client().get("/v1/audit-logs?include=state&limit=200");
    assertFalse(audit.bodyAsString().contains(key), audit.bodyAsString());
    JsonObject creation = audit.bodyAsJsonObject().getJsonArray("data").stream().map(JsonObject.class::cast)
        .filter(e -> e.getString("action").equals("api_key.create")
            && created.getString("id").equals(e.getString("target_id")))
        .findFirst().orElseThrow();
    assertEquals(created.getString("key_prefix"), creation.getJsonObject("after_state").getString("key_prefix"));
    assertFalse(creation.getJsonObject("after_state").containsKey("key"));
  }
}
