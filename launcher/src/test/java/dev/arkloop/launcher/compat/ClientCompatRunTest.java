package dev.arkloop.launcher.compat;

import static dev.arkloop.common.testing.TestClient.assertError;
import static dev.arkloop.launcher.RunEvents.last;
import static dev.arkloop.launcher.RunEvents.ofType;
import static dev.arkloop.launcher.RunEvents.types;
import static dev.arkloop.launcher.RunEvents.waitForStatus;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.RunEvents;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the original web client needs from runs, on a whole node (API and worker). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClientCompatRunTest {
  private static TestNode node;
  private static TestClient alice;
  private static RunEvents runs;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
    alice = node.register("alice");
    runs = new RunEvents(node);
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static List<String> keys(JsonArray personas) {
    return personas.stream().map(p -> ((JsonObject) p).getString("persona_key")).toList();
  }

  /**
   * Item 2: the web app sends {@code persona_id: "normal"} on every run ({@code DEFAULT_PERSONA_KEY} in
   * {@code src/apps/web/src/storage.ts}); the original's other built-in keys resolve too.
   */
  @Test
  void theNormalPersonaAndTheOriginalsKeysExist() {
    List<JsonObject> events = runs.follow(alice, runs.start(alice, "hello", new JsonObject().put("persona_id", "normal")));
    assertEquals("run.completed", last(events));
    assertFalse(keys(alice.get("/v1/me/selectable-personas").bodyAsJsonArray()).contains("normal"),
        "normal is the default, not a choice");

    for (String key : List.of("normal", "work", "claw", "extended-search", "search-output", "stem-tutor", "pro",
        "ultra", "auto", "platform", "summarizer", "suggestion-builder", "impression-builder", "sticker-builder",
        "activity-recorder-builder", "lite", "search")) {
      var copied = alice.post("/v1/personas", new JsonObject().put("persona_key", "copy-of-" + key).put("version", "1")
          .put("copy_from_repo_persona_key", key));
      assertEquals(201, copied.statusCode(), key + ": " + copied.bodyAsString());
      assertFalse(copied.bodyAsJsonObject().getString("prompt_md").isBlank(), key);
    }
  }

  /**
   * Item 10: the app shows an input box for {@code run.input_requested} {@code {request_id, message}}
   * ({@code src/apps/web/src/hooks/useSseDispatch.ts}) and answers with the request id.
   */
  @Test
  void aQuestionIsAnInputRequestJustBeforeTheWaitingStatus() {
    String runId = runs.start(alice, "/ask Which colour?", new JsonObject());
    waitForStatus(alice, runId, "waiting_for_input");
    List<JsonObject> sofar = runs.replay(alice, runId);
    List<String> types = types(sofar);
    int requested = types.indexOf("run.input_requested");
    assertEquals(types.indexOf("run.waiting_for_input") - 1, requested, types.toString());
    JsonObject request = sofar.get(requested).getJsonObject("data");
    assertEquals("Which colour?", request.getString("message"));
    String requestId = request.getString("request_id");
    assertEquals(requestId, ofType(sofar, "run.waiting_for_input").get(0).getString("input_key"));

    assertError(alice.post("/v1/runs/" + runId + "/input", new JsonObject().put("content", "red")
        .put("request_id", "call_not_this_one")), 409, "runs.input_request_mismatch");
    assertEquals(200, alice.post("/v1/runs/" + runId + "/input", new JsonObject().put("content", "green")
        .put("request_id", requestId)).statusCode());
    List<JsonObject> events = runs.follow(alice, runId);
    assertEquals("run.completed", last(events));
    assertEquals("green", ofType(events, "run.input_provided").get(0).getString("content"));
  }

  /**
   * Item 11: segments as the original worker writes them ({@code StreamSegmentStart} in
   * {@code src/services/worker/internal/llm/contract.go}), which the web app groups events by.
   */
  @Test
  void segmentsCarryAnIdAKindAndADisplay() {
    List<JsonObject> events = runs.follow(alice, runs.start(alice, "/tool echo {\"text\": \"hi\"}", new JsonObject()));
    assertEquals("run.completed", last(events));
    List<JsonObject> starts = ofType(events, "run.segment.start");
    List<JsonObject> ends = ofType(events, "run.segment.end");
    assertTrue(starts.size() >= 2, types(events).toString());
    assertEquals(starts.size(), starts.stream().map(s -> s.getString("segment_id")).distinct().count());
    for (int i = 0; i < starts.size(); i++) {
      JsonObject start = starts.get(i);
      assertEquals(i, start.getInteger("segment"));
      assertEquals(i == 0 ? "planning_round" : "tool_round", start.getString("kind"));
      assertEquals("visible", start.getJsonObject("display").getString("mode"));
      assertFalse(start.getJsonObject("display").getString("label").isBlank());
      assertEquals(start.getString("segment_id"), ends.get(i).getString("segment_id"));
    }
  }

  /**
   * Item 7: the run list pages by offset and reads {@code {data, total}} with filters (the original
   * server's {@code listGlobalRuns} in {@code src/services/api/internal/http/conversationapi/v1_runs.go}).
   */
  @Test
  void theRunListPagesByOffsetWithATotalAndFilters() {
    TestClient lister = node.register("lister");
    String first = runs.start(lister, "one", new JsonObject().put("persona_id", "normal"));
    String second = runs.start(lister, "two", new JsonObject());
    String third = runs.start(lister, "three", new JsonObject());
    for (String runId : List.of(first, second, third)) {
      runs.follow(lister, runId);
    }
    JsonObject page = lister.get("/v1/runs?offset=0&limit=2").bodyAsJsonObject();
    assertEquals(3, page.getInteger("total"));
    assertEquals(List.of(third, second), page.getJsonArray("data").stream()
        .map(r -> ((JsonObject) r).getString("run_id")).toList());
    JsonObject rest = lister.get("/v1/runs?offset=2&limit=2").bodyAsJsonObject();
    assertEquals(3, rest.getInteger("total"));
    assertEquals(first, rest.getJsonArray("data").getJsonObject(0).getString("run_id"));
    assertEquals(new JsonObject().put("data", new JsonArray()).put("total", 3),
        lister.get("/v1/runs?offset=10").bodyAsJsonObject());

    String threadId = lister.get("/v1/runs/" + second).bodyAsJsonObject().getString("thread_id");
    assertEquals(1, lister.get("/v1/runs?offset=0&thread_id=" + threadId).bodyAsJsonObject().getInteger("total"));
    assertEquals(1, lister.get("/v1/runs?offset=0&persona_id=normal").bodyAsJsonObject().getInteger("total"));
    assertEquals(first, lister.get("/v1/runs?offset=0&run_id=" + first.substring(0, 13)).bodyAsJsonObject()
        .getJsonArray("data").getJsonObject(0).getString("run_id"));
    assertEquals(3, lister.get("/v1/runs?offset=0&status=completed&since=2000-01-01T00:00:00Z")
        .bodyAsJsonObject().getInteger("total"));
    assertEquals(0, lister.get("/v1/runs?offset=0&until=2000-01-01T00:00:00Z").bodyAsJsonObject()
        .getInteger("total"));
    assertError(lister.get("/v1/runs?offset=0&since=yesterday"), 400, "validation.error");
    // without offset: the seed's array
    assertEquals(3, lister.get("/v1/runs").bodyAsJsonArray().size());

    // item 12: usage carries the cache token fields the app types (src/apps/web/src/api.ts)
    dev.arkloop.common.testing.TestInfra.execute(node.endpoints().database(),
        "UPDATE runs SET cache_read_tokens = 7, cache_write_tokens = 5 WHERE id = '" + first + "'");
    JsonObject usage = lister.get("/v1/me/usage").bodyAsJsonObject();
    assertEquals(7L, usage.getLong("total_cache_read_tokens"));
    assertEquals(5L, usage.getLong("total_cache_write_tokens"));
    JsonObject byModel = lister.get("/v1/me/usage/by-model").bodyAsJsonArray().getJsonObject(0);
    assertEquals(7L, byModel.getLong("cache_read_tokens"));
    assertEquals(5L, byModel.getLong("cache_write_tokens"));
  }
}
