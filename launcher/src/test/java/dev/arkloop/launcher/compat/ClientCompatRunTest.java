package dev.arkloop.launcher.compat;

import static dev.arkloop.launcher.RunEvents.last;
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
}
