package dev.arkloop.api.billing;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The credits ledger through the API: grants, statements, admin changes, and balance = sum of the ledger. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class CreditsTest {
  private static ApiTestNode node;
  private static TestClient anonymous;
  private static User admin;

  @BeforeAll
  static void start(Vertx vertx) {
    node = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), java.util.Map.of("ARKLOOP_CREDITS_INITIAL_GRANT", "250"));
    anonymous = node.client();
    admin = TestUsers.register(anonymous, "credits-root");
  }

  private static JsonObject ok(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static long ledgerSum(String orgId) {
    return Long.parseLong(TestInfra.queryValue(node.endpoints().database(),
        "SELECT coalesce(sum(amount), 0) FROM credit_transactions WHERE org_id = '" + orgId + "'"));
  }

  @Test
  void signUpGrantsTheInitialCreditsAndTheStatementShowsThem() {
    User ann = TestUsers.register(anonymous, "ann-" + UUID.randomUUID().toString().substring(0, 8));
    JsonObject credits = ok(ann.client().get("/v1/me/credits"));
    assertEquals(250, credits.getLong("balance"));
    JsonArray transactions = credits.getJsonArray("transactions");
    assertEquals(1, transactions.size());
    JsonObject grant = transactions.getJsonObject(0);
    assertEquals("initial_grant", grant.getString("type"));
    assertEquals(250, grant.getLong("amount"));
    assertEquals(ann.orgId(), grant.getString("org_id"));
    assertError(ann.client().get("/v1/me/credits?from=yesterday"), 400, "validation.error");
    assertEquals(0, ok(ann.client().get("/v1/me/credits?to=2001-01-01")).getJsonArray("transactions").size());
  }

  @Test
  void adminAdjustsOneAccountAndSeesItsStatement() {
    User bob = TestUsers.register(anonymous, "bob-credits");
    JsonObject adjusted = ok(admin.client().post("/v1/admin/credits/adjust",
        new JsonObject().put("org_id", bob.orgId()).put("amount", -75).put("note", "refund reversal")));
    assertEquals(175, adjusted.getLong("balance"));
    JsonObject statement = ok(admin.client().get("/v1/admin/credits?org_id=" + bob.orgId()));
    assertEquals(175, statement.getLong("balance"));
    JsonObject newest = statement.getJsonArray("transactions").getJsonObject(0);
    assertEquals(-75, newest.getLong("amount"));
    assertEquals("admin_adjust", newest.getString("reference_type"));
    assertEquals("refund reversal", newest.getString("note"));
    assertEquals(admin.id(), TestInfra.queryValue(node.endpoints().database(),
        "SELECT actor_user_id FROM credit_transactions WHERE org_id = '" + bob.orgId() + "' AND amount = -75"));

    assertError(bob.client().post("/v1/admin/credits/adjust", new JsonObject().put("org_id", bob.orgId())
        .put("amount", 5)), 403, "auth.forbidden");
    assertError(admin.client().get("/v1/admin/credits?org_id=" + UUID.randomUUID()), 404, "accounts.not_found");
    assertError(admin.client().get("/v1/admin/credits"), 400, "validation.error");
    assertError(admin.client().post("/v1/admin/credits/adjust", new JsonObject().put("org_id", UUID.randomUUID().toString())
        .put("amount", 5)), 404, "accounts.not_found");
    for (Object bad : List.of(0, 1.5, "ten", new java.math.BigInteger("9223372036854775808"))) {
      assertError(admin.client().post("/v1/admin/credits/adjust", new JsonObject().put("org_id", bob.orgId())
          .put("amount", bad)), 400, "validation.error");
    }
    assertError(admin.client().sendRaw(io.vertx.core.http.HttpMethod.POST, "/v1/admin/credits/adjust",
        "{\"org_id\":\"" + bob.orgId() + "\",\"amount\":99999999999999999999999}"), 400, "validation.error");
    assertError(admin.client().post("/v1/admin/credits/adjust", new JsonObject().put("org_id", bob.orgId())
        .put("amount", Long.MAX_VALUE)), 400, "validation.error");
    assertEquals(175, ok(bob.client().get("/v1/me/credits")).getLong("balance"));
  }

  /** Adjustments, bulk adjustments and resets racing each other leave every balance equal to its ledger. */
  @Test
  void concurrentChangesKeepEveryBalanceEqualToItsLedger() throws Exception {
    List<User> users = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      users.add(TestUsers.register(anonymous, "racer-" + i));
    }
    ExecutorService threads = Executors.newFixedThreadPool(12);
    try {
      List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
      for (int i = 0; i < 60; i++) {
        User target = users.get(i % users.size());
        int amount = (i % 3 == 0 ? -1 : 1) * (i + 1);
        calls.add(threads.submit(() -> admin.client().post("/v1/admin/credits/adjust",
            new JsonObject().put("org_id", target.orgId()).put("amount", amount))));
        if (i % 15 == 0) {
          calls.add(threads.submit(() -> admin.client().post("/v1/admin/credits/bulk-adjust",
              new JsonObject().put("amount", 7).put("note", "bonus"))));
        }
        if (i % 29 == 0) {
          calls.add(threads.submit(() -> admin.client().post("/v1/admin/credits/reset-all", new JsonObject())));
        }
      }
      for (Future<HttpResponse<Buffer>> call : calls) {
        assertEquals(200, call.get().statusCode(), call.get().bodyAsString());
      }
    } finally {
      threads.shutdown();
    }
    for (User user : users) {
      long balance = ok(user.client().get("/v1/me/credits")).getLong("balance");
      assertEquals(ledgerSum(user.orgId()), balance, "balance of " + user.login());
    }
    String drift = TestInfra.queryValue(node.endpoints().database(), """
        SELECT count(*) FROM credit_balances b WHERE b.balance <>
          (SELECT coalesce(sum(amount), 0) FROM credit_transactions t WHERE t.org_id = b.org_id)""");
    assertEquals("0", drift);
  }

  @Test
  void resetAllBringsEveryBalanceToZeroWithOneLedgerRowEach() {
    User carl = TestUsers.register(anonymous, "carl-credits");
    JsonObject bulk = ok(admin.client().post("/v1/admin/credits/bulk-adjust", new JsonObject().put("amount", "10")));
    assertTrue(bulk.getLong("affected") >= 3, bulk.encode());
    assertEquals(260, ok(carl.client().get("/v1/me/credits")).getLong("balance"));
    JsonObject reset = ok(admin.client().post("/v1/admin/credits/reset-all", new JsonObject().put("note", "season")));
    assertTrue(reset.getLong("affected") >= 3, reset.encode());
    JsonObject after = ok(carl.client().get("/v1/me/credits"));
    assertEquals(0, after.getLong("balance"));
    JsonObject newest = after.getJsonArray("transactions").getJsonObject(0);
    assertEquals(-260, newest.getLong("amount"));
    assertEquals("reset", newest.getString("type"));
    assertEquals(0, ledgerSum(carl.orgId()));
    assertError(admin.client().post("/v1/admin/credits/bulk-adjust", new JsonObject().put("amount", 0)), 400,
        "validation.error");
  }
}
