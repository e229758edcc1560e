package dev.arkloop.api.billing;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Redemption codes: batches, the distinct refusals, one winner among concurrent redeemers, the rate limit. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class RedemptionCodesTest {
  private static ApiTestNode node;
  private static TestClient anonymous;
  private static User admin;
  private static int users;

  @BeforeAll
  static void start(Vertx vertx) {
    node = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), Map.of("ARKLOOP_CREDITS_INITIAL_GRANT", "100"));
    anonymous = node.client();
    admin = TestUsers.register(anonymous, "redeem-root");
  }

  private static User user() {
    return TestUsers.register(anonymous, "redeemer-" + (++users));
  }

  private static JsonArray batch(JsonObject body) {
    HttpResponse<Buffer> response = admin.client().post("/v1/admin/redemption-codes/batch", body);
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonArray();
  }

  private static String oneCode(JsonObject extra) {
    return batch(new JsonObject().put("count", 1).put("type", "credits").put("value", "40").mergeIn(extra))
        .getJsonObject(0).getString("code");
  }

  private static long balance(User user) {
    return user.client().get("/v1/me/credits").bodyAsJsonObject().getLong("balance");
  }

  @Test
  void aBatchHasUniqueRandomCodesAndRedeemingAddsCredits() {
    JsonArray codes = batch(new JsonObject().put("count", 25).put("type", "credit").put("value", "40")
        .put("max_uses", 2).put("batch_id", "launch"));
    assertEquals(25, codes.size());
    Set<String> texts = new HashSet<>();
    for (Object item : codes) {
      JsonObject code = (JsonObject) item;
      assertTrue(code.getString("code").matches("[2-9A-HJKMNP-Z]{5}(-[2-9A-HJKMNP-Z]{5}){3}"), code.getString("code"));
      assertEquals("credits", code.getString("type"));
      assertEquals(2, code.getInteger("max_uses"));
      assertEquals(0, code.getInteger("use_count"));
      assertEquals("launch", code.getString("batch_id"));
      texts.add(code.getString("code"));
    }
    assertEquals(25, texts.size());
    JsonArray listed = admin.client().get("/v1/admin/redemption-codes?q=launch&limit=10").bodyAsJsonArray();
    assertEquals(10, listed.size());
    String cursor = listed.getJsonObject(9).getString("id");
    JsonArray next = admin.client().get("/v1/admin/redemption-codes?q=launch&limit=100&cursor=" + cursor).bodyAsJsonArray();
    assertEquals(15, next.size());

    User user = user();
    String code = codes.getJsonObject(0).getString("code");
    HttpResponse<Buffer> redeemed = user.client().post("/v1/me/redeem",
        new JsonObject().put("code", " " + code.toLowerCase().replace("-", "") + " "));
    assertEquals(200, redeemed.statusCode(), redeemed.bodyAsString());
    assertEquals(new JsonObject().put("code", code).put("type", "credits").put("value", "40"),
        redeemed.bodyAsJsonObject());
    assertEquals(140, balance(user));
    JsonObject transaction = user.client().get("/v1/me/credits").bodyAsJsonObject().getJsonArray("transactions")
        .getJsonObject(0);
    assertEquals("redemption", transaction.getString("type"));
    assertEquals(40, transaction.getLong("amount"));
  }

  @Test
  void eachRefusalHasItsOwnError() {
    User first = user();
    User second = user();
    assertError(first.client().post("/v1/me/redeem", new JsonObject().put("code", "NOPE2-NOPE3-NOPE4-NOPE5")), 404,
        "redemption_codes.not_found");

    String single = oneCode(new JsonObject());
    assertEquals(200, first.client().post("/v1/me/redeem", new JsonObject().put("code", single)).statusCode());
    assertError(first.client().post("/v1/me/redeem", new JsonObject().put("code", single)), 409,
        "redemption_codes.already_redeemed");
    assertError(second.client().post("/v1/me/redeem", new JsonObject().put("code", single)), 409,
        "redemption_codes.exhausted");

    String expired = oneCode(new JsonObject().put("expires_at", OffsetDateTime.now().minusMinutes(1).toString()));
    assertError(second.client().post("/v1/me/redeem", new JsonObject().put("code", expired)), 410,
        "redemption_codes.expired");

    JsonObject code = batch(new JsonObject().put("count", 1).put("type", "credits").put("value", "5")).getJsonObject(0);
    HttpResponse<Buffer> deactivated = admin.client().patch("/v1/admin/redemption-codes/" + code.getString("id"),
        new JsonObject().put("is_active", false));
    assertEquals(200, deactivated.statusCode(), deactivated.bodyAsString());
    assertEquals(false, deactivated.bodyAsJsonObject().getBoolean("is_active"));
    assertError(second.client().post("/v1/me/redeem", new JsonObject().put("code", code.getString("code"))), 409,
        "redemption_codes.inactive");
    assertError(admin.client().patch("/v1/admin/redemption-codes/" + code.getString("id"),
        new JsonObject().put("is_active", true)), 422, "validation.error");
    assertError(admin.client().patch("/v1/admin/redemption-codes/" + UUID.randomUUID(),
        new JsonObject().put("is_active", false)), 404, "redemption_codes.not_found");
    assertEquals(100, balance(second));
  }

  @Test
  void batchInputIsValidatedAndAdminOnly() {
    User user = user();
    assertError(user.client().post("/v1/admin/redemption-codes/batch", new JsonObject().put("count", 1)
        .put("type", "credits").put("value", "5")), 403, "auth.forbidden");
    for (JsonObject bad : List.of(
        new JsonObject().put("count", 0).put("type", "credits").put("value", "5"),
        new JsonObject().put("count", 501).put("type", "credits").put("value", "5"),
        new JsonObject().put("count", 1).put("type", "gold").put("value", "5"),
        new JsonObject().put("count", 1).put("type", "credits").put("value", "five"),
        new JsonObject().put("count", 1).put("type", "credits").put("value", "5").put("expires_at", "soon"))) {
      assertError(admin.client().post("/v1/admin/redemption-codes/batch", bad), 400, "validation.error");
    }
    assertEquals(500, batch(new JsonObject().put("count", 500).put("type", "credits").put("value", "1")).size());
  }

  /** 50 users redeem one single-use code at the same moment: exactly one gets it. */
  @Test
  void fiftyConcurrentRedeemersOfOneSingleUseCodeHaveOneWinner() throws Exception {
    String code = oneCode(new JsonObject().put("max_uses", 1));
    List<User> redeemers = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      redeemers.add(user());
    }
    ExecutorService threads = Executors.newFixedThreadPool(50);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    try {
      for (User redeemer : redeemers) {
        attempts.add(threads.submit(() -> {
          go.await();
          return redeemer.client().post("/v1/me/redeem", new JsonObject().put("code", code));
        }));
      }
      go.countDown();
      int won = 0;
      for (Future<HttpResponse<Buffer>> attempt : attempts) {
        HttpResponse<Buffer> response = attempt.get();
        if (response.statusCode() == 200) {
          won++;
        } else {
          assertError(response, 409, "redemption_codes.exhausted");
        }
      }
      assertEquals(1, won);
    } finally {
      threads.shutdown();
    }
    assertEquals("1", TestInfra.queryValue(node.endpoints().database(),
        "SELECT use_count FROM redemption_codes WHERE code = '" + code + "'"));
    assertEquals("1", TestInfra.queryValue(node.endpoints().database(),
        "SELECT count(*) FROM credit_transactions WHERE type = 'redemption' AND reference_id = "
            + "(SELECT id::text FROM redemption_codes WHERE code = '" + code + "')"));
    assertEquals("0", TestInfra.queryValue(node.endpoints().database(), """
        SELECT count(*) FROM credit_balances b WHERE b.balance <>
          (SELECT coalesce(sum(amount), 0) FROM credit_transactions t WHERE t.org_id = b.org_id)"""));
  }

  @Test
  void redeemAttemptsAreLimitedPerUser() {
    User guesser = user();
    for (int i = 0; i < RedemptionRoutes.REDEEMS_PER_MINUTE; i++) {
      assertError(guesser.client().post("/v1/me/redeem", new JsonObject().put("code", "GUESS-" + i)), 404,
          "redemption_codes.not_found");
    }
    HttpResponse<Buffer> limited = guesser.client().post("/v1/me/redeem", new JsonObject().put("code", "GUESS-X"));
    JsonObject error = assertError(limited, 429, "rate_limit");
    assertEquals("redeem", error.getJsonObject("details").getString("reason"));
    assertNotEquals(null, limited.getHeader("Retry-After"));
    // another user is not held back by it
    assertError(user().client().post("/v1/me/redeem", new JsonObject().put("code", "GUESS-Y")), 404,
        "redemption_codes.not_found");
  }
}
