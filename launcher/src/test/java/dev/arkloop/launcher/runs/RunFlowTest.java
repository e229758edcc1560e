package dev.arkloop.launcher.runs;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static dev.arkloop.launcher.TestNode.run;
import static dev.arkloop.launcher.TestNode.say;
import static dev.arkloop.launcher.TestNode.thread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.RunEvents;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Runs end to end on one node: the API, the worker, PostgreSQL, Redis and SSE, through HTTP. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RunFlowTest {
  private static TestNode node;
  private static TestClient alice;
  private static TestClient bob;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
    node.register("root"); // the first user is platform admin; the tests use ordinary users
    alice = node.register("alice");
    bob = node.register("bob");
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static SseClient stream(TestClient user, String runId, String query, Map<String, String> extra) {
    Map<String, String> headers = new HashMap<>(user.headers());
    headers.putAll(extra);
    return await(SseClient.open(node.vertx(), node.port(), "/v1/runs/" + runId + "/events" + query, headers));
  }

  private static List<SseClient.Frame> follow(TestClient user, String runId) {
    SseClient sse = stream(user, runId, "", Map.of());
    assertEquals(200, sse.status());
    await(sse.ended(), 30);
    return sse.frames();
  }

  private static List<String> types(List<SseClient.Frame> frames) {
    return frames.stream().map(f -> f.data().getString("type")).collect(Collectors.toList());
  }

  private static void assertGapless(List<SseClient.Frame> frames, long firstSeq) {
    for (int i = 0; i < frames.size(); i++) {
      SseClient.Frame frame = frames.get(i);
      assertEquals(firstSeq + i, frame.id(), "frame " + i + " of " + types(frames));
      assertEquals(frame.id(), frame.data().getLong("seq"));
    }
  }

  private static long terminalCount(List<SseClient.Frame> frames) {
    return frames.stream().map(f -> f.data().getString("type"))
        .filter(t -> t.equals("run.completed") || t.equals("run.failed") || t.equals("run.cancelled")).count();
  }

  @Test
  void aRunStreamsEveryStepInOrderAndLeavesItsAnswerInTheThread() {
    String threadId = thread(alice, "hello world");
    HttpResponse<Buffer> created = alice.post("/v1/threads/" + threadId + "/runs", new JsonObject());
    assertEquals(201, created.statusCode(), created.bodyAsString());
    String runId = created.bodyAsJsonObject().getString("run_id");
    assertTrue(created.bodyAsJsonObject().getString("trace_id").matches("[0-9a-f]{32}"));

    SseClient sse = stream(alice, runId, "", Map.of());
    assertEquals("text/event-stream; charset=utf-8", sse.header("Content-Type"));
    assertEquals("no-cache", sse.header("Cache-Control"));
    assertEquals("no", sse.header("X-Accel-Buffering"));
    await(sse.ended(), 30);
    List<SseClient.Frame> frames = sse.frames();
    assertGapless(frames, 1);
    List<String> types = types(frames);
    assertEquals("run.started", types.get(0));
    assertEquals("run.route.selected", types.get(1));
    assertEquals("run.completed", types.get(types.size() - 1));
    assertEquals(1, terminalCount(frames));
    assertTrue(sse.comments().contains(": ping"));
    JsonObject first = frames.get(0).data();
    assertEquals(runId, first.getString("run_id"));
    assertNotNull(first.getString("created_at"));
    assertEquals(runId + ":1", first.getString("event_id"));

    String streamed = frames.stream().filter(f -> f.data().getString("type").equals("message.delta"))
        .map(f -> f.data().getJsonObject("data").getString("content_delta")).collect(Collectors.joining());
    assertEquals("You said: hello world", streamed);

    JsonObject detail = alice.get("/v1/runs/" + runId).bodyAsJsonObject();
    assertEquals("completed", detail.getString("status"));
    assertEquals(threadId, detail.getString("thread_id"));
    assertTrue(detail.getLong("total_output_tokens") > 0);
    assertNotNull(detail.getLong("duration_ms"));
    assertEquals("alice", detail.getString("created_by_user_name"));

    JsonArray messages = alice.get("/v1/threads/" + threadId + "/messages").bodyAsJsonArray();
    JsonObject answer = messages.getJsonObject(messages.size() - 1);
    assertEquals("assistant", answer.getString("role"));
    assertEquals(streamed, answer.getString("content"));
    assertEquals(null, answer.getValue("created_by_user_id"));
    assertEquals(null, alice.get("/v1/threads/" + threadId).bodyAsJsonObject().getValue("active_run_id"));
  }

  @Test
  void toolCallsAndResultsAreLinkedById() {
    String runId = run(alice, thread(alice, "please /echo marco"));
    List<SseClient.Frame> frames = follow(alice, runId);
    JsonObject call = frames.stream().filter(f -> f.data().getString("type").equals("tool.call")).findFirst()
        .orElseThrow().data();
    JsonObject result = frames.stream().filter(f -> f.data().getString("type").equals("tool.result")).findFirst()
        .orElseThrow().data();
    assertEquals("echo", call.getString("tool_name"));
    assertEquals(call.getJsonObject("data").getString("tool_call_id"),
        result.getJsonObject("data").getString("tool_call_id"));
    assertEquals("marco", result.getJsonObject("data").getJsonObject("result").getString("text"));
    assertEquals("run.completed", types(frames).get(frames.size() - 1));
  }

  @Test
  void aThreadHasAtMostOneActiveRun() {
    String threadId = thread(alice, "slow /tokens 200 /delay 20");
    String runId = run(alice, threadId);
    JsonObject busy = assertError(alice.post("/v1/threads/" + threadId + "/runs", new JsonObject()), 409,
        "runs.thread_busy");
    assertEquals(runId, busy.getJsonObject("details").getString("active_run_id"));
    assertEquals(runId, alice.get("/v1/threads/" + threadId).bodyAsJsonObject().getString("active_run_id"));
    assertEquals(200, alice.post("/v1/runs/" + runId + ":cancel", null).statusCode());
    follow(alice, runId);
  }

  @Test
  void cancelEndsARunningRunWithExactlyOneTerminalEvent() throws Exception {
    String runId = run(alice, thread(alice, "slow /tokens 500 /delay 10"));
    SseClient sse = stream(alice, runId, "", Map.of());
    Await.until("the run to stream deltas", 20, () -> types(sse.frames()).contains("message.delta"));
    assertEquals(new JsonObject().put("ok", true), alice.post("/v1/runs/" + runId + ":cancel", null).bodyAsJsonObject());
    assertEquals(200, alice.post("/v1/runs/" + runId + "/cancel", new JsonObject()).statusCode(), "idempotent");
    await(sse.ended(), 30);
    List<SseClient.Frame> frames = sse.frames();
    assertGapless(frames, 1);
    List<String> types = types(frames);
    assertEquals(1, terminalCount(frames));
    assertEquals("run.cancelled", types.get(types.size() - 1));
    assertEquals(1, types.stream().filter("run.cancel_requested"::equals).count());
    assertTrue(types.indexOf("run.cancel_requested") < types.indexOf("run.cancelled"));
    assertEquals("cancelled", alice.get("/v1/runs/" + runId).bodyAsJsonObject().getString("status"));
    assertEquals(200, alice.post("/v1/runs/" + runId + ":cancel", null).statusCode());
    assertEquals(frames.size(), follow(alice, runId).size(), "a cancel after the end writes nothing");
  }

  @Test
  void aRunWaitsForInputAndContinuesWithIt() throws Exception {
    String runId = run(alice, thread(alice, "/ask What is your favourite colour?"));
    RunEvents.waitForStatus(alice, runId, "waiting_for_input");
    assertError(alice.post("/v1/runs/" + runId + "/input", new JsonObject().put("content", "x".repeat(33_000))), 422,
        "validation.error");
    assertError(alice.post("/v1/runs/" + runId + "/input", new JsonObject()), 400, "validation.error");
    assertEquals(200, alice.post("/v1/runs/" + runId + "/input", new JsonObject().put("content", "blue"))
        .statusCode());
    List<SseClient.Frame> frames = follow(alice, runId);
    List<String> types = types(frames);
    assertGapless(frames, 1);
    int waiting = types.indexOf("run.waiting_for_input");
    int provided = types.indexOf("run.input_provided");
    assertTrue(waiting > 0 && provided > waiting, types.toString());
    JsonObject prompt = frames.get(waiting).data().getJsonObject("data");
    assertEquals("What is your favourite colour?", prompt.getString("prompt"));
    assertEquals("blue", frames.get(provided).data().getJsonObject("data").getString("content"));
    assertEquals("run.completed", types.get(types.size() - 1));
    assertError(alice.post("/v1/runs/" + runId + "/input", new JsonObject().put("content", "late")), 409,
        "runs.not_active");
  }

  @Test
  void failuresEndTheRunWithTheirErrorClass() {
    String runId = run(alice, thread(alice, "/fail provider.rate_limited"));
    List<SseClient.Frame> frames = follow(alice, runId);
    JsonObject failed = frames.get(frames.size() - 1).data();
    assertEquals("run.failed", failed.getString("type"));
    assertEquals("provider.rate_limited", failed.getString("error_class"));
    assertEquals("provider.rate_limited", failed.getJsonObject("data").getString("error_class"));
    assertEquals("failed", alice.get("/v1/runs/" + runId).bodyAsJsonObject().getString("status"));
  }

  @Test
  void replayResumesAfterASeqFromQueryOrLastEventId() {
    String runId = run(alice, thread(alice, "one two three four five six"));
    List<SseClient.Frame> all = follow(alice, runId);
    assertTrue(all.size() > 8);
    List<SseClient.Frame> after5 = replay(runId, "?after_seq=5", Map.of());
    assertEquals(all.size() - 5, after5.size());
    assertGapless(after5, 6);
    List<SseClient.Frame> viaHeader = replay(runId, "", Map.of("Last-Event-ID", "7"));
    assertGapless(viaHeader, 8);
    assertEquals(all.size() - 7, viaHeader.size());
    assertTrue(replay(runId, "?after_seq=" + all.size(), Map.of()).isEmpty());
    assertEquals(all.size(), replay(runId, "?follow=false", Map.of()).size());
  }

  private static List<SseClient.Frame> replay(String runId, String query, Map<String, String> headers) {
    SseClient sse = stream(alice, runId, query, headers);
    await(sse.ended(), 30);
    return sse.frames();
  }

  @Test
  void badStreamRequestsAreRefusedBeforeStreaming() {
    String runId = run(alice, thread(alice, "short"));
    assertError(alice.get("/v1/runs/" + runId + "/events?after_seq=abc"), 400, "validation.error");
    assertError(alice.get("/v1/runs/" + runId + "/events?after_seq=-1"), 400, "validation.error");
    assertError(alice.get("/v1/runs/" + runId + "/events?follow=maybe"), 400, "validation.error");
    assertError(alice.get("/v1/runs/00000000-0000-4000-8000-000000000000/events"), 404, "runs.not_found");
    assertError(alice.get("/v1/runs/not-a-uuid/events"), 400, "validation.error");
    assertError(bob.get("/v1/runs/" + runId + "/events"), 404, "runs.not_found");
    assertError(bob.get("/v1/runs/" + runId), 404, "runs.not_found");
    assertError(bob.post("/v1/runs/" + runId + ":cancel", null), 404, "runs.not_found");
    assertError(bob.post("/v1/runs/" + runId + "/input", new JsonObject().put("content", "x")), 404, "runs.not_found");
    assertError(bob.post("/v1/threads/" + TestNodeThreads.any(alice) + "/runs", new JsonObject()), 404,
        "threads.not_found");
    assertError(alice.post("/v1/runs/" + runId + ":explode", null), 404, "not_found");
    assertError(node.client().get("/v1/runs/" + runId + "/events"), 401, "auth.unauthorized");
    follow(alice, runId);
  }

  @Test
  void idempotencyKeyReturnsTheSameRun() {
    String threadId = thread(alice, "idempotent /tokens 3");
    TestClient keyed = alice.withHeader("Idempotency-Key", "key-" + threadId);
    HttpResponse<Buffer> first = keyed.post("/v1/threads/" + threadId + "/runs", new JsonObject());
    HttpResponse<Buffer> again = keyed.post("/v1/threads/" + threadId + "/runs", new JsonObject());
    assertEquals(201, first.statusCode());
    assertEquals(201, again.statusCode(), again.bodyAsString());
    assertEquals(first.bodyAsJsonObject().getString("run_id"), again.bodyAsJsonObject().getString("run_id"));
    assertError(keyed.post("/v1/threads/" + threadId + "/runs", new JsonObject().put("route_id", "other")), 409,
        "conflict");
    follow(alice, first.bodyAsJsonObject().getString("run_id"));
  }

  @Test
  void retryHidesTheLastAnswerAndRunsAgain() {
    String threadId = thread(alice, "first question");
    follow(alice, run(alice, threadId));
    assertEquals(2, alice.get("/v1/threads/" + threadId + "/messages").bodyAsJsonArray().size());
    HttpResponse<Buffer> retried = alice.post("/v1/threads/" + threadId + ":retry", null);
    assertEquals(201, retried.statusCode(), retried.bodyAsString());
    String secondRun = retried.bodyAsJsonObject().getString("run_id");
    List<SseClient.Frame> frames = follow(alice, secondRun);
    assertEquals("run.completed", types(frames).get(frames.size() - 1));
    JsonArray messages = alice.get("/v1/threads/" + threadId + "/messages").bodyAsJsonArray();
    assertEquals(2, messages.size(), messages.encode());
    assertEquals(secondRun, messages.getJsonObject(1).getString("run_id"));

    String empty = alice.post("/v1/threads", new JsonObject()).bodyAsJsonObject().getString("id");
    assertError(alice.post("/v1/threads/" + empty + ":retry", null), 400, "runs.invalid_state");
  }

  @Test
  void runListsFilterAndPage() {
    String threadId = thread(alice, "list me");
    String runId = run(alice, threadId);
    follow(alice, runId);
    JsonArray ofThread = alice.get("/v1/threads/" + threadId + "/runs").bodyAsJsonArray();
    assertEquals(runId, ofThread.getJsonObject(0).getString("run_id"));
    assertEquals("completed", ofThread.getJsonObject(0).getString("status"));

    JsonArray completed = alice.get("/v1/runs?status=completed&limit=200").bodyAsJsonArray();
    assertTrue(completed.stream().map(o -> ((JsonObject) o).getString("run_id")).anyMatch(runId::equals));
    assertTrue(completed.stream().allMatch(o -> ((JsonObject) o).getString("status").equals("completed")));
    assertError(alice.get("/v1/runs?status=bogus"), 400, "validation.error");
    assertError(alice.get("/v1/runs?before=%%%"), 400, "validation.error");
    assertTrue(bob.get("/v1/runs").bodyAsJsonArray().stream()
        .noneMatch(o -> ((JsonObject) o).getString("run_id").equals(runId)), "another account's runs are not listed");

    JsonArray page1 = alice.get("/v1/runs?limit=2").bodyAsJsonArray();
    assertEquals(2, page1.size());
    String cursor = page1.getJsonObject(1).getString("next_cursor");
    JsonArray page2 = alice.get("/v1/runs?limit=2&before=" + cursor).bodyAsJsonArray();
    assertFalse(page2.isEmpty());
    assertNotEquals(page1.getJsonObject(1).getString("run_id"), page2.getJsonObject(0).getString("run_id"));
  }

  @Test
  void manySubscribersOfOneRunSeeTheSameGaplessStream() {
    String runId = run(alice, thread(alice, "fan out /tokens 100 /delay 5"));
    List<Future<SseClient>> opening = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      opening.add(SseClient.open(node.vertx(), node.port(), "/v1/runs/" + runId + "/events", alice.headers()));
    }
    List<SseClient> clients = opening.stream().map(f -> await(f)).toList();
    for (SseClient client : clients) {
      await(client.ended(), 30);
      assertGapless(client.frames(), 1);
      assertEquals(1, terminalCount(client.frames()));
    }
    assertEquals(1, clients.stream().map(c -> c.frames().size()).distinct().count());
  }

  @Test
  void eventTimingsAreExportedAsMetrics() {
    String runId = alice.post("/v1/threads/" + thread(alice, "timed /tokens 10 /delay 20") + "/runs", new JsonObject())
        .bodyAsJsonObject().getString("run_id");
    List<String> types = types(follow(alice, runId));
    assertEquals("run.completed", types.get(types.size() - 1));

    String metrics = node.metricsClient().get("/metrics").bodyAsString();
    assertEquals(404, alice.get("/metrics").statusCode(), "metrics are not served on the API port");
    for (String timer : List.of("arkloop_run_events_append_seconds", "arkloop_run_events_publish_seconds",
        "arkloop_run_events_lag_seconds")) {
      double count = metrics.lines().filter(line -> line.startsWith(timer + "_count"))
          .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
      assertTrue(count > 0, timer + " recorded nothing:\n" + metrics.lines()
          .filter(line -> line.contains("arkloop_run")).collect(Collectors.joining("\n")));
      assertTrue(metrics.contains(timer + "_bucket{"), timer + " has no histogram buckets");
    }
  }

  /** A thread of another user, to probe cross-account access. */
  private static final class TestNodeThreads {
    static String any(TestClient owner) {
      return owner.post("/v1/threads", new JsonObject()).bodyAsJsonObject().getString("id");
    }
  }
}
