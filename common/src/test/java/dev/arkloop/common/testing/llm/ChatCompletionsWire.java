package dev.arkloop.common.testing.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The frames of an OpenAI Chat Completions stream ({@code stream: true}), as api.openai.com sends them. */
public final class ChatCompletionsWire {
  private final List<String> frames = new ArrayList<>();

  public static ChatCompletionsWire stream() {
    return new ChatCompletionsWire().delta(new JsonObject().put("role", "assistant").put("content", ""));
  }

  /** A whole text answer with usage, split into the given pieces. */
  public static List<String> answer(long promptTokens, long completionTokens, String... pieces) {
    return stream().text(pieces).finish("stop").usage(promptTokens, completionTokens, 0).done();
  }

  public ChatCompletionsWire text(String... pieces) {
    for (String piece : pieces) {
      delta(new JsonObject().put("content", piece));
    }
    return this;
  }

  public ChatCompletionsWire reasoning(String... pieces) {
    for (String piece : pieces) {
      delta(new JsonObject().put("reasoning_content", piece));
    }
    return this;
  }

  /** A tool call: the first fragment carries id and name, the others only argument text. */
  public ChatCompletionsWire toolCall(int index, String id, String name, String... argumentFragments) {
    JsonObject first = new JsonObject().put("index", index).put("id", id).put("type", "function")
        .put("function", new JsonObject().put("name", name).put("arguments", ""));
    delta(new JsonObject().put("tool_calls", new JsonArray().add(first)));
    for (String fragment : argumentFragments) {
      arguments(index, fragment);
    }
    return this;
  }

  public ChatCompletionsWire arguments(int index, String fragment) {
    return delta(new JsonObject().put("tool_calls", new JsonArray().add(new JsonObject().put("index", index)
        .put("function", new JsonObject().put("arguments", fragment)))));
  }

  public ChatCompletionsWire finish(String reason) {
    frames.add(frame(new JsonArray().add(new JsonObject().put("index", 0).put("delta", new JsonObject())
        .put("finish_reason", reason)), null));
    return this;
  }

  /** The final chunk of {@code stream_options.include_usage}: no choices, only usage. */
  public ChatCompletionsWire usage(long promptTokens, long completionTokens, long cachedTokens) {
    frames.add(frame(new JsonArray(), new JsonObject().put("prompt_tokens", promptTokens)
        .put("completion_tokens", completionTokens).put("total_tokens", promptTokens + completionTokens)
        .put("prompt_tokens_details", new JsonObject().put("cached_tokens", cachedTokens))));
    return this;
  }

  /** A raw line, e.g. a malformed chunk. */
  public ChatCompletionsWire raw(String frame) {
    frames.add(frame);
    return this;
  }

  /** The frames with the {@code [DONE]} terminator. */
  public List<String> done() {
    List<String> all = new ArrayList<>(frames);
    all.add("data: [DONE]\n\n");
    return all;
  }

  /** The frames without a terminator. */
  public List<String> frames() {
    return new ArrayList<>(frames);
  }

  private ChatCompletionsWire delta(JsonObject delta) {
    frames.add(frame(new JsonArray().add(new JsonObject().put("index", 0).put("delta", delta)
        .putNull("finish_reason")), null));
    return this;
  }

  private static String frame(JsonArray choices, JsonObject usage) {
    JsonObject chunk = new JsonObject().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk")
        .put("created", 1_700_000_000).put("model", "gpt-fake").put("system_fingerprint", "fp_fake")
        .put("choices", choices);
    if (usage != null) {
      chunk.put("usage", usage);
    } else {
      chunk.putNull("usage");
    }
    return "data: " + chunk.encode() + "\n\n";
  }
}
