package dev.arkloop.api.billing;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestClient;
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

/** Feature flags: their endpoints, per-account overrides, GET /v1/me, and the two flags the server reads. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class FeatureFlagsTest {
  private static TestClient anonymous;
  private static User admin;
  private static int users;

  @BeforeAll
  static void start(Vertx vertx) {
    anonymous = ApiTestNode.start(vertx).client();
    admin = TestUsers.register(anonymous, "flag-root");
  }

  private static User user() {
    return TestUsers.register(anonymous, "flag-user-" + (++users));
  }

  private static JsonObject ok(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static JsonObject flagsOf(User user) {
    return ok(user.client().get("/v1/me"), 200).getJsonObject("feature_flags");
  }

  @Test
  void aFlagFlipsPerAccountWithoutARestart() {
    User ivy = user();
    User jay = user();
    JsonObject flag = ok(admin.client().post("/v1/feature-flags", new JsonObject().put("key", "beta.canvas")
        .put("description", "the canvas").put("default_value", false)), 201);
    assertEquals("beta.canvas", flag.getString("key"));
    assertEquals(false, flagsOf(ivy).getBoolean("beta.canvas"));
    assertError(admin.client().post("/v1/feature-flags", new JsonObject().put("key", "beta.canvas")
        .put("default_value", true)), 409, "conflict");

    JsonObject override = ok(admin.client().post("/v1/feature-flags/beta.canvas/org-overrides",
        new JsonObject().put("org_id", ivy.orgId()).put("enabled", true)), 200);
    assertEquals(ivy.orgId(), override.getString("org_id"));
    assertEquals("beta.canvas", override.getString("flag_key"));
    assertEquals(true, override.getBoolean("enabled"));
    assertEquals(true, flagsOf(ivy).getBoolean("beta.canvas"));
    assertEquals(false, flagsOf(jay).getBoolean("beta.canvas"));
    JsonArray listed = admin.client().get("/v1/feature-flags/beta.canvas/account-overrides").bodyAsJsonArray();
    assertEquals(1, listed.size());

    ok(admin.client().patch("/v1/feature-flags/beta.canvas", new JsonObject().put("default_value", true)), 200);
    assertEquals(true, flagsOf(jay).getBoolean("beta.canvas"));
    ok(admin.client().post("/v1/feature-flags/beta.canvas/account-overrides",
        new JsonObject().put("org_id", ivy.orgId()).put("enabled", false)), 200);
    assertEquals(false, flagsOf(ivy).getBoolean("beta.canvas"));
    assertEquals(new JsonObject().put("ok", true), ok(admin.client().delete("/v1/feature-flags/beta.canvas/org-overrides/"
        + ivy.orgId()), 200));
    assertEquals(true, flagsOf(ivy).getBoolean("beta.canvas"));

    assertEquals(new JsonObject().put("ok", true), ok(admin.client().delete("/v1/feature-flags/beta.canvas"), 200));
    assertEquals(null, flagsOf(ivy).getValue("beta.canvas"));
    assertError(admin.client().get("/v1/feature-flags/beta.canvas"), 404, "feature_flags.not_found");
  }

  @Test
  void flagInputIsValidatedAndManagedOnlyWithThePermission() {
    User kim = user();
    assertError(kim.client().get("/v1/feature-flags"), 403, "auth.forbidden");
    assertError(admin.client().post("/v1/feature-flags", new JsonObject().put("key", "x.y")), 400, "validation.error");
    assertError(admin.client().post("/v1/feature-flags", new JsonObject().put("key", "x.y").put("default_value", "yes")),
        422, "validation.error");
    ok(admin.client().post("/v1/feature-flags", new JsonObject().put("key", "fixed.thing").put("default_value", true)
        .put("supports_org_overrides", false)), 201);
    assertError(admin.client().post("/v1/feature-flags/fixed.thing/org-overrides", new JsonObject()
        .put("org_id", kim.orgId()).put("enabled", false)), 422, "validation.error");
    assertError(admin.client().patch("/v1/feature-flags/none.such", new JsonObject().put("default_value", true)), 404,
        "feature_flags.not_found");
    ok(admin.client().post("/v1/feature-flags", new JsonObject().put("key", "other.thing").put("default_value", true)), 201);
    assertError(admin.client().post("/v1/feature-flags/other.thing/org-overrides", new JsonObject()
        .put("org_id", UUID.randomUUID().toString()).put("enabled", false)), 404, "accounts.not_found");
  }

  @Test
  void theServerReadsRegistrationOpenAndRequireEmailVerification() {
    User lea = user();
    ok(admin.client().post("/v1/feature-flags", new JsonObject().put("key", "registration.open")
        .put("default_value", false)), 201);
    JsonObject refused = assertError(anonymous.post("/v1/auth/register", new JsonObject().put("login", "latecomer")
        .put("password", TestUsers.PASSWORD).put("email", "late@example.com")), 403, "auth.forbidden");
    assertEquals("registration_disabled", refused.getJsonObject("details").getString("reason"));
    assertEquals("disabled", anonymous.get("/v1/auth/registration-mode").bodyAsJsonObject().getString("mode"));
    ok(admin.client().patch("/v1/feature-flags/registration.open", new JsonObject().put("default_value", true)), 200);
    TestUsers.register(anonymous, "latecomer");

    ok(admin.client().post("/v1/feature-flags", new JsonObject().put("key", "auth.require_email_verification")
        .put("default_value", true)), 201);
    ok(admin.client().post("/v1/feature-flags/auth.require_email_verification/org-overrides",
        new JsonObject().put("org_id", admin.orgId()).put("enabled", false)), 200);
    JsonObject blocked = assertError(anonymous.post("/v1/auth/login", new JsonObject().put("login", lea.login())
        .put("password", TestUsers.PASSWORD)), 403, "auth.forbidden");
    assertEquals("email_not_verified", blocked.getJsonObject("details").getString("reason"));
    assertEquals(true, ok(lea.client().get("/v1/me"), 200).getBoolean("email_verification_required"));
    TestUsers.login(anonymous, admin.login()); // its account is exempt by an override
    assertError(anonymous.post("/v1/auth/login", new JsonObject().put("login", lea.login())
        .put("password", "wrong password")), 401, "auth.unauthorized");

    ok(admin.client().delete("/v1/feature-flags/auth.require_email_verification"), 200);
    TestUsers.login(anonymous, lea.login());
    ok(admin.client().delete("/v1/feature-flags/registration.open"), 200);
  }
}
