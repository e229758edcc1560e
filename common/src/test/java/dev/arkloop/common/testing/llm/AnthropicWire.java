package dev.arkloop.common.testing.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The frames of an Anthropic Messages stream ({@code stream: true}), as api.anthropic.com sends them. */
public final class AnthropicWire {
  private final List<String> frames = new ArrayList<>();
  private int blockIndex;

  /** {@code message_start} with the prompt's usage. */
  public static AnthropicWire stream(long inputTokens, long cacheReadTokens, long cacheWriteTokens) {
    AnthropicWire wire = new AnthropicWire();
    wire.event("message_start", new JsonObject().put("message", new JsonObject().put("id", "msg_fake")
        .put("type", "message").put("role", "assistant").put("content", new JsonArray()).put("model", "claude-fake")
        .putNull("stop_reason").putNull("stop_sequence").put("usage", new JsonObject().put("input_tokens", inputTokens)
            .put("cache_creation_input_tokens", cacheWriteTokens).put("cache_read_input_tokens", cacheReadTokens)
            .put("output_tokens", 1))));
    wire.event("ping", new JsonObject());
    return wire;
  }

  public static List<String> answer(long inputTokens, long outputTokens, String... pieces) {
    return stream(inputTokens, 0, 0).text(pieces).end("end_turn", outputTokens);
  }

  public AnthropicWire text(String... pieces) {
    int index = blockIndex++;
    event("content_block_start", new JsonObject().put("index", index)
        .put("content_block", new JsonObject().put("type", "text").put("text", "")));
    for (String piece : pieces) {
      delta(index, new JsonObject().put("type", "text_delta").put("text", piece));
    }
    return stop(index);
  }

  public AnthropicWire thinking(String... pieces) {
    int index = blockIndex++;
    event("content_block_start", new JsonObject().put("index", index)
        .put("content_block", new JsonObject().put("type", "thinking").put("thinking", "")));
    for (String piece : pieces) {
      delta(index, new JsonObject().put("type", "thinking_delta").put("thinking", piece));
    }
    delta(index, new JsonObject().put("type", "signature_delta").put("signature", "c2lnbmF0dXJl"));
    return stop(index);
  }

  /** A reasoning block the API encrypted: only its opaque {@code data}, which must be sent back. */
  public AnthropicWire redactedThinking(String data) {
    int index = blockIndex++;
    event("content_block_start", new JsonObject().put("index", index)
        .put("content_block", new JsonObject().put("type", "redacted_thinking").put("data", data)));
    return stop(index);
  }

  public AnthropicWire toolUse(String id, String name, String... partialJson) {
    int index = blockIndex++;
    event("content_block_start", new JsonObject().put("index", index).put("content_block", new JsonObject()
        .put("type", "tool_use").put("id", id).put("name", name).put("input", new JsonObject())));
    for (String partial : partialJson) {
      delta(index, new JsonObject().put("type", "input_json_delta").put("partial_json", partial));
    }
    return stop(index);
  }

  /** {@code message_delta} with the stop reason and output usage, then {@code message_stop}. */
  public List<String> end(String stopReason, long outputTokens) {
    event("message_delta", new JsonObject().put("delta", new JsonObject().put("stop_reason", stopReason)
        .putNull("stop_sequence")).put("usage", new JsonObject().put("output_tokens", outputTokens)));
    event("message_stop", new JsonObject());
    return frames();
  }

  public AnthropicWire error(String type, String message) {
    return event("error", new JsonObject().put("error", new JsonObject().put("type", type).put("message", message)));
  }

  public AnthropicWire raw(String frame) {
    frames.add(frame);
    return this;
  }

  public List<String> frames() {
    return new ArrayList<>(frames);
  }

  private AnthropicWire delta(int index, JsonObject delta) {
    return event("content_block_delta", new JsonObject().put("index", index).put("delta", delta));
  }

  private AnthropicWire stop(int index) {
    return event("content_block_stop", new JsonObject().put("index", index));
  }

  private AnthropicWire event(String type, JsonObject data) {
    JsonObject payload = new JsonObject().put("type", type).mergeIn(data);
    frames.add("event: " + type + "\ndata: " + payload.encode() + "\n\n");
    return this;
  }
}
