package dev.arkloop.launcher.personas;

import static dev.arkloop.launcher.RunEvents.last;
import static dev.arkloop.launcher.RunEvents.ofType;
import static dev.arkloop.launcher.RunEvents.one;
import static dev.arkloop.launcher.RunEvents.types;
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

/** What a persona does to a run: tool policy, thinking deltas, budgets, executors, unknown personas. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class PersonaRunTest {
  private static TestNode node;
  private static TestClient alice;
  private static RunEvents runs;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
    node.register("root");
    alice = node.register("alice");
    runs = new RunEvents(node);
    create(new JsonObject().put("persona_key", "guarded").put("tool_denylist", new JsonArray().add("echo")));
    create(new JsonObject().put("persona_key", "quiet").put("stream_thinking", false));
    create(new JsonObject().put("persona_key", "short")
        .put("budgets", new JsonObject().put("reasoning_iterations", 1)));
    create(new JsonObject().put("persona_key", "idle").put("executor_type", "noop"));
    create(new JsonObject().put("persona_key", "lua").put("executor_type", "agent.lua"));
  }

  private static void create(JsonObject fields) {
    JsonObject body = new JsonObject().put("version", "1").put("display_name", "Test").put("prompt_md", "Be brief.")
        .mergeIn(fields);
    assertEquals(201, alice.post("/v1/personas", body).statusCode());
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static List<JsonObject> run(String message, String personaId) {
    JsonObject options = personaId == null ? new JsonObject() : new JsonObject().put("persona_id", personaId);
    return runs.follow(alice, runs.start(alice, message, options));
  }

  @Test
  void aDeniedToolGetsToolDeniedAndTheRunGoesOn() {
    List<JsonObject> events = run("/echo hello", "guarded@1");
    JsonObject denied = one(events, "tool.denied");
    assertEquals("echo", denied.getString("tool_name"));
    assertEquals("denylist", denied.getString("reason"));
    assertTrue(denied.getString("tool_call_id").startsWith("call_"));
    assertTrue(ofType(events, "tool.call").isEmpty(), "a denied tool is never called");
    assertEquals("run.completed", last(events));
  }

  @Test
  void liteHasNoTools() {
    List<JsonObject> events = run("/tool noop {}", "lite");
    assertEquals("not_in_allowlist", one(events, "tool.denied").getString("reason"));
    assertEquals("run.completed", last(events));
  }

  @Test
  void theDefaultPersonaMayCallAnyTool() {
    List<JsonObject> events = run("/tool echo {\"text\": \"a/b\"}", null);
    assertEquals("a/b", one(events, "tool.result").getJsonObject("result").getString("text"));
  }

  @Test
  void thinkingIsStreamedOnlyWhenThePersonaAllowsIt() {
    List<JsonObject> shown = run("/think pondering deeply", "general");
    List<JsonObject> thinking = ofType(shown, "message.delta").stream()
        .filter(d -> "thinking".equals(d.getString("channel"))).toList();
    assertEquals(1, thinking.size());
    assertEquals("pondering deeply", thinking.get(0).getString("content_delta"));

    List<JsonObject> hidden = run("/think pondering deeply", "quiet@1");
    assertTrue(ofType(hidden, "message.delta").stream().noneMatch(d -> d.containsKey("channel")));
    assertFalse(hidden.toString().contains("pondering"), "neither emitted nor stored");
    assertEquals("run.completed", last(hidden));
  }

  @Test
  void runningOutOfReasoningIterationsFailsTheRunWithABudgetClass() {
    List<JsonObject> events = run("/echo again", "short@1");
    assertEquals("run.failed", last(events));
    JsonObject failed = events.get(events.size() - 1);
    assertEquals("budget.reasoning_iterations", failed.getString("error_class"));
  }

  @Test
  void theNoopExecutorCompletesWithoutCallingAModel() {
    List<JsonObject> events = run("hello", "idle");
    assertEquals(List.of("run.started", "run.completed"), types(events));
  }

  @Test
  void unknownPersonasAndUnsupportedExecutorsFailWithPolicyClasses() {
    List<JsonObject> unknown = run("hello", "nobody@3");
    assertEquals("policy.persona_not_found", unknown.get(unknown.size() - 1).getString("error_class"));
    List<JsonObject> lua = run("hello", "lua@1");
    assertEquals("policy.executor_unsupported", lua.get(lua.size() - 1).getString("error_class"));
  }

  @Test
  void aPersonaCreatedOverTheApiServesTheVeryNextRun() {
    List<JsonObject> missing = run("hello", "late");
    assertEquals("policy.persona_not_found", missing.get(missing.size() - 1).getString("error_class"));
    // the worker remembers that "late" was not found; creating it is announced, so the next run finds it
    create(new JsonObject().put("persona_key", "late").put("executor_type", "noop"));
    assertEquals(List.of("run.started", "run.completed"), types(run("hello", "late")));
  }

  @Test
  void webFetchRefusesPrivateTargetsUnlessConfiguredTo() {
    for (String url : List.of("http://127.0.0.1:" + node.port() + "/healthz", "http://169.254.169.254/latest/meta-data/",
        "http://[::ffff:127.0.0.1]:" + node.port() + "/", "http://2130706433:" + node.port() + "/")) {
      JsonObject result = one(run("/tool web_fetch {\"url\": \"" + url + "\"}", null), "tool.result");
      assertEquals("tool.address_blocked", result.getJsonObject("error").getString("error_class"), url);
    }
  }

  @Test
  void thePersonaPromptAndBudgetsNeverReachTheEventStream() {
    List<JsonObject> events = run("hi", "short@1");
    assertFalse(events.toString().contains("Be brief."), "the system prompt is not an event");
  }
}
