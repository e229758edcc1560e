package dev.arkloop.launcher.runs;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static dev.arkloop.launcher.RunEvents.waitForStatus;
import static dev.arkloop.launcher.TestNode.run;
import static dev.arkloop.launcher.TestNode.thread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.config.ConfigLoader;
import dev.arkloop.common.db.Pools;
import dev.arkloop.common.jobs.Job;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.TestNode;
import dev.arkloop.worker.RunWorkerVerticle;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Limits around runs: per-account concurrency, the run timeout, workers lost too often, heartbeats. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RunLimitsTest {

  private static List<SseClient.Frame> follow(TestNode node, TestClient user, String runId) {
    SseClient sse = await(SseClient.open(node.vertx(), node.port(), "/v1/runs/" + runId + "/events", user.headers()));
    await(sse.ended(), 60);
    return sse.frames();
  }

  @Test
  void accountConcurrencyLimitAnswers429WithRetryAfter() {
    try (TestNode node = TestNode.start(Map.of("ARKLOOP_MAX_CONCURRENT_RUNS_PER_ACCOUNT", "1"))) {
      node.register("root");
      TestClient user = node.register("dana");
      String busy = run(user, thread(user, "slow /tokens 300 /delay 20"));
      HttpResponse<Buffer> refused = user.post("/v1/threads/" + thread(user, "second") + "/runs", new JsonObject());
      JsonObject error = assertError(refused, 429, "rate_limit");
      assertEquals("runs.concurrency", error.getJsonObject("details").getString("reason"));
      assertNotNull(refused.getHeader("Retry-After"));
      user.post("/v1/runs/" + busy + ":cancel", null);
      follow(node, user, busy);
      assertEquals(201, user.post("/v1/threads/" + thread(user, "third") + "/runs", new JsonObject()).statusCode(),
          "a finished run frees its place");
    }
  }

  /**
   * Run creations of one account queue on the account's lock while holding pooled connections; the
   * admission check must not need another connection while it holds the lock, or a small pool
   * deadlocks until its wait times out (503). Runs stay queued here: this node's worker takes none.
   */
  @Test
  void concurrentRunCreationsOfOneAccountDoNotExhaustASmallPool() {
    try (TestNode node = TestNode.start(Map.of("ARKLOOP_DB_POOL_SIZE", "2",
        "ARKLOOP_WORKER_QUEUE_JOB_TYPES", "email.send"))) {
      TestClient admin = node.register("root");
      TestClient user = node.register("fay");
      List<String> threads = List.of(thread(user, "one"), thread(user, "two"), thread(user, "three"));
      // a changed override empties the account's cached limits: the creations below must resolve them
      assertEquals(201, admin.post("/v1/entitlement-overrides", new JsonObject()
          .put("org_id", user.get("/v1/me").bodyAsJsonObject().getString("org_id"))
          .put("key", "quota.runs_per_month").put("value", "100").put("value_type", "integer")).statusCode());
      List<CompletableFuture<HttpResponse<Buffer>>> creations = threads.stream()
          .map(threadId -> CompletableFuture.supplyAsync(
              () -> user.post("/v1/threads/" + threadId + "/runs", new JsonObject())))
          .toList();
      for (CompletableFuture<HttpResponse<Buffer>> creation : creations) {
        HttpResponse<Buffer> created = creation.join();
        assertEquals(201, created.statusCode(), created.bodyAsString());
      }
    }
  }

  @Test
  void aRunPastItsTimeLimitFailsWithTimeout() {
    try (TestNode node = TestNode.start(Map.of("ARKLOOP_RUN_TIMEOUT_MINUTES", "0.02"))) {
      node.register("root");
      TestClient user = node.register("erin");
      String runId = run(user, thread(user, "forever /tokens 1000 /delay 20"));
      List<SseClient.Frame> frames = follow(node, user, runId);
      JsonObject last = frames.get(frames.size() - 1).data();
      assertEquals("run.failed", last.getString("type"));
      assertEquals("timeout", last.getString("error_class"));
      assertEquals("failed", user.get("/v1/runs/" + runId).bodyAsJsonObject().getString("status"));
    }
  }

  @Test
  void aRunThatKeepsLosingItsWorkerFailsWithWorkerLost() throws Exception {
    // this node's worker takes no run jobs: the test plays a worker that leases the job and dies
    try (TestNode node = TestNode.start(Map.of("ARKLOOP_WORKER_QUEUE_JOB_TYPES", "email.send",
        "ARKLOOP_RUN_MAX_ATTEMPTS", "1"))) {
      node.register("root");
      TestClient user = node.register("fred");
      String runId = run(user, thread(user, "doomed"));
      Pool pool = Pools.create(node.vertx(), node.endpoints().database(), 2);
      List<Job> leased = await(new JobQueue(pool).lease(List.of("run.execute"), 1, "dead-worker",
          Duration.ofMillis(200)));
      assertEquals(1, leased.size());
      Await.until("the dead worker's lease to expire", 10, () -> await(pool.query(
          "SELECT count(*) FROM jobs WHERE status = 'leased' AND lease_expires_at > now()").execute())
          .iterator().next().getLong(0) == 0);

      Map<String, String> consumesRuns = new HashMap<>(Map.of("ARKLOOP_RUN_MAX_ATTEMPTS", "1",
          "ARKLOOP_WORKER_POLL_SECONDS", "0.1"));
      consumesRuns.put("ARKLOOP_DATABASE_URL", node.endpoints().database().toUrl());
      consumesRuns.put("ARKLOOP_REDIS_URL", node.endpoints().redisUrl());
      consumesRuns.put("ARKLOOP_REDIS_KEY_PREFIX", node.config().infra().redisKeyPrefix());
      ArkloopConfig survivor = ConfigLoader.load(consumesRuns, List.of());
      await(node.vertx().deployVerticle(new RunWorkerVerticle(survivor, node.endpoints())));

      List<SseClient.Frame> frames = follow(node, user, runId);
      JsonObject last = frames.get(frames.size() - 1).data();
      assertEquals("run.failed", last.getString("type"), frames.toString());
      assertEquals("internal.worker_lost", last.getString("error_class"));
      await(pool.close());
    }
  }

  @Test
  void aRunWaitingForInputSurvivesAWorkerRestart() throws Exception {
    try (TestNode node = TestNode.start(Map.of())) {
      node.register("root");
      TestClient user = node.register("hank");
      String runId = run(user, thread(user, "/ask still there?"));
      waitForStatus(user, runId, "waiting_for_input");
      node.restartWorker();
      assertEquals(200, user.post("/v1/runs/" + runId + "/input", new JsonObject().put("content", "yes")).statusCode());
      List<SseClient.Frame> frames = follow(node, user, runId);
      List<String> types = frames.stream().map(f -> f.data().getString("type")).toList();
      assertTrue(types.contains("run.input_provided"), types.toString());
      assertEquals("run.completed", types.get(types.size() - 1));
    }
  }

  @Test
  void aSilentStreamIsKeptAliveWithPings() throws Exception {
    try (TestNode node = TestNode.start(Map.of("ARKLOOP_SSE_HEARTBEAT_SECONDS", "1"))) {
      node.register("root");
      TestClient user = node.register("gail");
      String runId = run(user, thread(user, "/ask anyone there?"));
      SseClient sse = await(SseClient.open(node.vertx(), node.port(), "/v1/runs/" + runId + "/events",
          user.headers()));
      Await.until("three pings while the run waits", 10, () -> sse.comments().size() >= 3);
      assertEquals(200, user.post("/v1/runs/" + runId + "/input", new JsonObject().put("content", "me")).statusCode());
      await(sse.ended(), 30);
      assertEquals("run.completed", sse.frames().get(sse.frames().size() - 1).data().getString("type"));
    }
  }
}
