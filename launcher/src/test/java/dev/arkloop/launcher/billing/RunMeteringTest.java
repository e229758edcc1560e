package dev.arkloop.launcher.billing;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static dev.arkloop.launcher.TestNode.thread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.config.ConfigLoader;
import dev.arkloop.common.db.Pools;
import dev.arkloop.common.jobs.Job;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.common.testing.llm.ChatCompletionsWire;
import dev.arkloop.common.testing.llm.FakeLlmServer;
import dev.arkloop.common.testing.llm.FakeLlmServer.Reply;
import dev.arkloop.launcher.RunEvents;
import dev.arkloop.launcher.TestNode;
import dev.arkloop.worker.RunWorkerVerticle;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs debit credits through the real API and worker: once per run, also when the run's first worker
 * dies and another takes it over; no run starts without credits, and a worker that takes a run of an
 * account whose credits ran out ends it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RunMeteringTest {
  /** 20 input and 7 output tokens at 1 and 2 USD per 1k tokens, times 2: 0.068 USD = 68 credits. */
  private static final long RUN_CREDITS = 68;

  /** A node whose own worker runs no runs: each test decides when a run worker appears. */
  private static TestNode node() {
    return TestNode.start(Map.of("ARKLOOP_WORKER_QUEUE_JOB_TYPES", "email.send",
        "ARKLOOP_ALLOW_PRIVATE_PROVIDER_URLS", "1", "ARKLOOP_CREDITS_INITIAL_GRANT", "1000"));
  }

  private static void deployRunWorker(TestNode node) {
    deployRunWorker(node, Map.of());
  }

  private static void deployRunWorker(TestNode node, Map<String, String> settings) {
    Map<String, String> env = new HashMap<>(Map.of("ARKLOOP_WORKER_POLL_SECONDS", "0.1",
        "ARKLOOP_ALLOW_PRIVATE_PROVIDER_URLS", "1"));
    env.putAll(settings);
    env.put("ARKLOOP_DATABASE_URL", node.endpoints().database().toUrl());
    env.put("ARKLOOP_REDIS_URL", node.endpoints().redisUrl());
    env.put("ARKLOOP_REDIS_KEY_PREFIX", node.config().infra().redisKeyPrefix());
    env.put("ARKLOOP_ENCRYPTION_KEY", node.config().secrets().encryptionKey());
    ArkloopConfig config = ConfigLoader.load(env, List.of());
    await(node.vertx().deployVerticle(new RunWorkerVerticle(config, node.endpoints())));
  }

  /** A priced default model at the fake upstream, in the user's account. */
  private static void pricedModel(TestClient user, FakeLlmServer upstream) {
    HttpResponse<Buffer> provider = user.post("/v1/llm-providers", new JsonObject().put("name", "priced")
        .put("provider", "openai").put("openai_api_mode", "chat_completions").put("api_key", "sk-test")
        .put("base_url", upstream.baseUrl("/v1")));
    assertEquals(201, provider.statusCode(), provider.bodyAsString());
    HttpResponse<Buffer> model = user.post("/v1/llm-providers/" + provider.bodyAsJsonObject().getString("id")
        + "/models", new JsonObject().put("model", "priced-1").put("is_default", true)
        .put("cost_per_1k_input", 1.0).put("cost_per_1k_output", 2.0).put("multiplier", 2));
    assertEquals(201, model.statusCode(), model.bodyAsString());
  }

  private static JsonObject credits(TestClient user) {
    HttpResponse<Buffer> response = user.get("/v1/me/credits");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static String orgOf(TestClient user) {
    return user.get("/v1/me").bodyAsJsonObject().getString("org_id");
  }

  private static String sql(TestNode node, String query) {
    return TestInfra.queryValue(node.endpoints().database(), query);
  }

  private static void assertLedgerEqualsBalance(TestNode node, TestClient user) {
    String sum = sql(node, "SELECT coalesce(sum(amount), 0) FROM credit_transactions WHERE org_id = '" + orgOf(user) + "'");
    assertEquals(Long.parseLong(sum), credits(user).getLong("balance"));
  }

  @Test
  void aRunTakenOverFromADeadWorkerIsDebitedExactlyOnce() {
    try (TestNode node = node(); FakeLlmServer upstream = await(FakeLlmServer.start(node.vertx()))) {
      TestClient admin = node.register("root");
      TestClient user = node.register("metered");
      pricedModel(user, upstream);
      upstream.enqueue(Reply.sse(ChatCompletionsWire.answer(20, 7, "Hello ", "there")));
      String runId = new RunEvents(node).start(user, "hi", new JsonObject());

      // a worker leases the run and dies before ending it
      Pool pool = Pools.create(node.vertx(), node.endpoints().database(), 2);
      List<Job> leased = await(new JobQueue(pool).lease(List.of("run.execute"), 1, "dying-worker",
          Duration.ofMillis(300)));
      assertEquals(1, leased.size());
      Await.until("the dead worker's lease expires", 10, () -> "t".equals(sql(node,
          "SELECT lease_expires_at < now() FROM jobs WHERE id = '" + leased.get(0).id() + "'")));
      deployRunWorker(node);

      List<JsonObject> events = new RunEvents(node).follow(user, runId);
      assertEquals("run.completed", events.get(events.size() - 1).getString("type"), events.toString());
      JsonObject run = user.get("/v1/runs/" + runId).bodyAsJsonObject();
      assertEquals(RUN_CREDITS, run.getLong("credits_used"));
      JsonObject statement = credits(user);
      assertEquals(1000 - RUN_CREDITS, statement.getLong("balance"));
      JsonObject debit = statement.getJsonArray("transactions").getJsonObject(0);
      assertEquals("consumption", debit.getString("type"));
      assertEquals(-RUN_CREDITS, debit.getLong("amount"));
      assertEquals("run", debit.getString("reference_type"));
      assertEquals(runId, debit.getString("reference_id"));
      assertEquals("test", debit.getString("thread_title"));
      JsonObject listed = user.get("/v1/runs?limit=5").bodyAsJsonArray().getJsonObject(0);
      assertEquals(RUN_CREDITS, listed.getLong("credits_used"));
      assertEquals(RUN_CREDITS, user.get("/v1/me/usage").bodyAsJsonObject().getLong("total_credits_used"));
      assertEquals(RUN_CREDITS, admin.get("/v1/admin/usage/summary").bodyAsJsonObject().getLong("total_credits_used"));
      assertEquals(RUN_CREDITS, admin.get("/v1/admin/usage/by-model").bodyAsJsonArray().getJsonObject(0)
          .getLong("credits_used"));

      // a second terminal transaction for the same run (a fenced-out writer replaying it) debits nothing
      await(pool.withTransaction(tx -> CreditLedger.debitRun(tx, UUID.fromString(runId),
          new CreditLedger.Metering(true, 1000, 0, null))));
      assertEquals("1", sql(node, "SELECT count(*) FROM credit_transactions WHERE type = 'consumption' "
          + "AND reference_id = '" + runId + "'"));
      assertEquals(1000 - RUN_CREDITS, credits(user).getLong("balance"));
      assertLedgerEqualsBalance(node, user);
      await(pool.close());
    }
  }

  private static JsonArray lowCreditNotifications(TestClient user) {
    HttpResponse<Buffer> response = user.get("/v1/notifications?type=" + CreditLedger.LOW_CREDITS);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("data");
  }

  private static String completedRun(TestNode node, TestClient user, FakeLlmServer upstream) {
    upstream.enqueue(Reply.sse(ChatCompletionsWire.answer(20, 7, "ok")));
    String runId = new RunEvents(node).start(user, "spend", new JsonObject());
    assertEquals("run.completed", RunEvents.last(new RunEvents(node).follow(user, runId)));
    return runId;
  }

  @Test
  void theRunThatTakesTheBalanceBelowTheThresholdNotifiesTheOwnerOnceAndLive() {
    try (TestNode node = node(); FakeLlmServer upstream = await(FakeLlmServer.start(node.vertx()))) {
      TestClient admin = node.register("root");
      TestClient user = node.register("thrifty");
      pricedModel(user, upstream);
      deployRunWorker(node, Map.of("ARKLOOP_CREDITS_LOW_THRESHOLD", "900"));
      SseClient live = await(SseClient.open(node.vertx(), node.port(), "/v1/notifications/events", user.headers()));
      assertEquals(200, live.status());
      Await.until("the stream's opening ping", 10, () -> !live.comments().isEmpty());

      completedRun(node, user, upstream); // 1000 -> 932: still above
      assertEquals(0, lowCreditNotifications(user).size());
      String crossing = completedRun(node, user, upstream); // 932 -> 864: crosses
      Await.until("the live low-credits notification", 10, () -> live.frames().size() == 1);
      JsonObject notified = live.frames().get(0).data();
      assertEquals(CreditLedger.LOW_CREDITS, notified.getString("type"));
      assertEquals(new JsonObject().put("account_id", orgOf(user)).put("balance", 864).put("threshold", 900)
          .put("run_id", crossing), notified.getJsonObject("payload"));
      completedRun(node, user, upstream); // 864 -> 796: already below, no repeat
      assertEquals(1000 - 3 * RUN_CREDITS, credits(user).getLong("balance"));
      JsonArray stored = lowCreditNotifications(user);
      assertEquals(1, stored.size(), stored.encode());
      assertEquals(notified.getString("id"), stored.getJsonObject(0).getString("id"));

      // topped up above the threshold, the next crossing notifies again
      assertEquals(200, admin.post("/v1/admin/credits/adjust", new JsonObject().put("org_id", orgOf(user))
          .put("amount", 150)).statusCode());
      String again = completedRun(node, user, upstream); // 946 -> 878
      Await.until("the second crossing's notification", 10, () -> live.frames().size() == 2);
      assertEquals(again, live.frames().get(1).data().getJsonObject("payload").getString("run_id"));
      assertEquals(2, lowCreditNotifications(user).size());
      assertEquals(0, lowCreditNotifications(admin).size(), "only the account's own admins hear of it");
      live.close();
    }
  }

  @Test
  void concurrentRunsAndAdjustmentsKeepTheLedgerEqualToTheBalance() throws Exception {
    try (TestNode node = node(); FakeLlmServer upstream = await(FakeLlmServer.start(node.vertx()))) {
      TestClient admin = node.register("root");
      TestClient user = node.register("busy");
      String org = orgOf(user);
      pricedModel(user, upstream);
      int runs = 6;
      for (int i = 0; i < runs; i++) {
        upstream.enqueue(Reply.sse(ChatCompletionsWire.answer(20, 7, "ok")).chunkDelay(5));
      }
      List<String> threads = new ArrayList<>();
      for (int i = 0; i < runs; i++) {
        threads.add(thread(user, "run " + i));
      }
      deployRunWorker(node);
      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<String> runIds = new ArrayList<>();
      try {
        List<Future<String>> started = new ArrayList<>();
        List<Future<Integer>> adjusted = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
          String threadId = threads.get(i);
          started.add(pool.submit(() -> new RunEvents(node).startOn(user, threadId, new JsonObject())));
          int amount = i % 2 == 0 ? 11 : -3;
          adjusted.add(pool.submit(() -> admin.post("/v1/admin/credits/adjust",
              new JsonObject().put("org_id", org).put("amount", amount)).statusCode()));
        }
        for (Future<String> run : started) {
          runIds.add(run.get());
        }
        for (Future<Integer> status : adjusted) {
          assertEquals(200, status.get());
        }
      } finally {
        pool.shutdown();
      }
      for (String runId : runIds) {
        List<JsonObject> events = new RunEvents(node).follow(user, runId);
        assertEquals("run.completed", events.get(events.size() - 1).getString("type"), events.toString());
      }
      assertEquals(1000 - runs * RUN_CREDITS + (runs / 2) * (11 - 3), credits(user).getLong("balance"));
      assertEquals(String.valueOf(runs), sql(node, "SELECT count(*) FROM credit_transactions WHERE org_id = '"
          + org + "' AND type = 'consumption'"));
      assertLedgerEqualsBalance(node, user);
    }
  }

  @Test
  void noRunStartsWithoutCreditsAndAWorkerEndsARunWhoseCreditsRanOut() {
    try (TestNode node = node()) {
      TestClient admin = node.register("root");
      TestClient user = node.register("broke");
      String org = orgOf(user);
      String runId = new RunEvents(node).start(user, "queued before the credits ran out", new JsonObject());
      assertEquals(200, admin.post("/v1/admin/credits/adjust", new JsonObject().put("org_id", org)
          .put("amount", -1000)).statusCode());
      assertEquals(0, credits(user).getLong("balance"));

      JsonObject refused = assertError(user.post("/v1/threads/" + thread(user, "one more") + "/runs",
          new JsonObject()), 402, "credits.exhausted");
      assertEquals("credits.exhausted", refused.getString("error"));

      deployRunWorker(node);
      List<JsonObject> events = new RunEvents(node).follow(user, runId);
      JsonObject last = events.get(events.size() - 1);
      assertEquals("run.failed", last.getString("type"), events.toString());
      assertEquals("entitlement.credits_exhausted",
          user.get("/v1/runs/" + runId).bodyAsJsonObject().getString("error_class"));

      assertEquals(200, admin.post("/v1/admin/credits/adjust", new JsonObject().put("org_id", org)
          .put("amount", 5)).statusCode());
      String next = new RunEvents(node).start(user, "credits are back", new JsonObject());
      List<JsonObject> after = new RunEvents(node).follow(user, next);
      assertEquals("run.completed", after.get(after.size() - 1).getString("type"));
    }
  }

  @Test
  void creditsUsedUpDuringARunStopItBeforeTheNextModelTurn() {
    try (TestNode node = node(); FakeLlmServer upstream = await(FakeLlmServer.start(node.vertx()))) {
      TestClient admin = node.register("root");
      TestClient user = node.register("spender");
      String org = orgOf(user);
      pricedModel(user, upstream);
      Promise<Void> firstTurnAnswers = Promise.promise();
      // the first turn calls a tool there is none of: its error result sends the loop round again
      upstream.enqueue(Reply.sse(ChatCompletionsWire.stream().toolCall(0, "call_1", "not_a_tool", "{}")
              .finish("tool_calls").usage(20, 7, 0).done()).heldUntil(firstTurnAnswers.future()),
          Reply.sse(ChatCompletionsWire.answer(20, 7, "never asked for")));
      deployRunWorker(node);
      String runId = new RunEvents(node).start(user, "spend it all", new JsonObject());

      Await.until("the first model turn is in flight", 30, () -> upstream.requests().size() == 1);
      long balance = credits(user).getLong("balance");
      assertEquals(200, admin.post("/v1/admin/credits/adjust", new JsonObject().put("org_id", org)
          .put("amount", -balance)).statusCode());
      node.vertx().runOnContext(v -> firstTurnAnswers.complete());

      List<JsonObject> events = new RunEvents(node).follow(user, runId);
      List<String> types = events.stream().map(event -> event.getString("type")).toList();
      assertTrue(types.contains("tool.result"), types.toString());
      JsonObject last = events.get(events.size() - 1);
      assertEquals("run.failed", last.getString("type"), types.toString());
      assertEquals("entitlement.credits_exhausted", last.getJsonObject("data").getString("error_class"));
      assertEquals("entitlement.credits_exhausted",
          user.get("/v1/runs/" + runId).bodyAsJsonObject().getString("error_class"));
      assertEquals(1, upstream.requests().size(), "the second turn must not reach the model");
      assertLedgerEqualsBalance(node, user);
    }
  }

  @Test
  void theMonthlyTokenQuotaCountsFinishedRuns() {
    try (TestNode node = node(); FakeLlmServer upstream = await(FakeLlmServer.start(node.vertx()))) {
      TestClient admin = node.register("root");
      TestClient user = node.register("quota");
      pricedModel(user, upstream);
      upstream.enqueue(Reply.sse(ChatCompletionsWire.answer(20, 7, "done")));
      deployRunWorker(node);
      String runId = new RunEvents(node).start(user, "spend tokens", new JsonObject());
      assertEquals("run.completed", RunEvents.last(new RunEvents(node).follow(user, runId)));
      HttpResponse<Buffer> override = admin.post("/v1/entitlement-overrides", new JsonObject().put("org_id", orgOf(user))
          .put("key", "quota.tokens_per_month").put("value", "27").put("value_type", "integer"));
      assertEquals(201, override.statusCode(), override.bodyAsString());
      JsonObject refused = assertError(user.post("/v1/threads/" + thread(user, "more") + "/runs", new JsonObject()),
          429, "rate_limit");
      assertEquals("quota.tokens_per_month", refused.getJsonObject("details").getString("reason"));
    }
  }
}
