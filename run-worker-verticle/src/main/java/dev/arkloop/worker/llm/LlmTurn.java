package dev.arkloop.worker.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What one model call produced. {@code thinkingBlocks} are the provider's own reasoning blocks that
 * must travel back unchanged with this assistant message on the next call (Anthropic's signed
 * {@code thinking} and {@code redacted_thinking} blocks, without which a tool-use turn with extended
 * thinking is refused); empty for providers that have none.
 */
public record LlmTurn(String text, List<ToolCall> toolCalls, Usage usage, JsonArray thinkingBlocks) {

  public LlmTurn(String text, List<ToolCall> toolCalls, Usage usage) {
    this(text, toolCalls, usage, new JsonArray());
  }

  /** A call the model asked for. */
  public record ToolCall(String id, String name, JsonObject arguments) {}

  /** Token counts of one call. */
  public record Usage(long inputTokens, long outputTokens, long cacheReadTokens, long cacheWriteTokens) {
    public static final Usage NONE = new Usage(0, 0, 0, 0);

    public Usage plus(Usage other) {
      return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens,
          cacheReadTokens + other.cacheReadTokens, cacheWriteTokens + other.cacheWriteTokens);
    }

    public JsonObject toJson() {
      return new JsonObject().put("input_tokens", inputTokens).put("output_tokens", outputTokens)
          .put("cache_read_tokens", cacheReadTokens).put("cache_write_tokens", cacheWriteTokens);
    }

    public static Usage fromJson(JsonObject json) {
      if (json == null) {
        return NONE;
      }
      return new Usage(json.getLong("input_tokens", 0L), json.getLong("output_tokens", 0L),
          json.getLong("cache_read_tokens", 0L), json.getLong("cache_write_tokens", 0L));
    }
  }
}
