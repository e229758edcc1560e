package dev.arkloop.worker.llm;

import dev.arkloop.common.config.ArkloopConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** What the LLM client tests share: short timeouts, an event-loop context to call from, a recording listener. */
final class LlmTestKit {
  static final String KEY = "sk-unit-0123456789abcdefghij";

  private LlmTestKit() {}

  /** Settings with timeouts short enough for tests, private (local) provider URLs allowed. */
  static ArkloopConfig.Llm settings(int retryAttempts, int retryBaseDelayMs) {
    ArkloopConfig.EnvProvider none = new ArkloopConfig.EnvProvider(null, null, "unused");
    // first byte 10 s: no test waits for it, and a loaded machine can take seconds to answer the first request
    return new ArkloopConfig.Llm(retryAttempts, retryBaseDelayMs, 1000, 10_000, 400, true, none, none);
  }

  /** From a test thread this is a new event-loop context, like a verticle's. */
  static Context context(Vertx vertx) {
    return vertx.getOrCreateContext();
  }

  static LlmRequest request(String userText) {
    return new LlmRequest("model-x", new JsonArray().add(new JsonObject().put("role", "user").put("content", userText)),
        new JsonArray().add(new JsonObject().put("name", "echo").put("description", "Returns the text")
            .put("parameters", new JsonObject().put("type", "object"))), new JsonObject());
  }

  /** Records what a call streamed. */
  static class Recording implements LlmListener {
    final List<String> text = new CopyOnWriteArrayList<>();
    final List<String> thinking = new CopyOnWriteArrayList<>();

    @Override
    public void onText(String delta) {
      text.add(delta);
    }

    @Override
    public void onThinking(String delta) {
      thinking.add(delta);
    }

    String joined() {
      return String.join("", text);
    }
  }
}
