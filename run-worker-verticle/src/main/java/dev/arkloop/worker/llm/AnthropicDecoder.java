package dev.arkloop.worker.llm;

import io.vertx.core.json.JsonObject;

/**
 * Reads an Anthropic Messages stream: {@code message_start} (prompt usage, cache reads and writes),
 * content blocks ({@code text}, {@code tool_use} with {@code input_json_delta} fragments,
 * {@code thinking} with its {@code signature_delta}, {@code redacted_thinking}) by index,
 * {@code message_delta} (output usage), {@code message_stop}. An {@code error} event ends the call.
 * Thinking blocks are kept whole for the next call, which must send them back.
 */
final class AnthropicDecoder implements StreamDecoder {
  private final String apiKey;
  private final TurnAssembler turn;
  private long inputTokens;
  private long outputTokens;
  private long cacheReadTokens;
  private long cacheWriteTokens;
  private boolean done;

  AnthropicDecoder(LlmListener listener, String apiKey) {
    this.turn = new TurnAssembler(listener);
    this.apiKey = apiKey;
  }

  @Override
  public void onEvent(String event, String data) {
    JsonObject json = WireJson.parse(data);
    String type = json.getString("type", event == null ? "" : event);
    switch (type) {
      case "message_start" -> {
        JsonObject message = json.getJsonObject("message");
        usage(message == null ? null : message.getJsonObject("usage"));
      }
      case "content_block_start" -> blockStart(String.valueOf(json.getInteger("index")),
          json.getJsonObject("content_block"));
      case "content_block_delta" -> blockDelta(String.valueOf(json.getInteger("index")), json.getJsonObject("delta"));
      case "message_delta" -> usage(json.getJsonObject("usage"));
      case "message_stop" -> done = true;
      case "error" -> throw ProviderErrors.streamError(json, apiKey);
      default -> { }
    }
  }

  private void blockStart(String index, JsonObject block) {
    if (block == null) {
      throw LlmException.protocol("content_block_start without a content block");
    }
    switch (block.getString("type", "")) {
      case "text" -> turn.text(block.getString("text"));
      case "thinking" -> {
        turn.openThinking(index);
        turn.thinking(index, block.getString("thinking"));
        turn.signature(index, block.getString("signature"));
      }
      case "redacted_thinking" -> turn.redactedThinking(index, block.getString("data"));
      case "tool_use" -> {
        turn.start(index, block.getString("id"), block.getString("name"));
        JsonObject input = block.getJsonObject("input");
        if (input != null && !input.isEmpty()) {
          turn.complete(index, input.encode());
        }
      }
      default -> { }
    }
  }

  private void blockDelta(String index, JsonObject delta) {
    if (delta == null) {
      throw LlmException.protocol("content_block_delta without a delta");
    }
    switch (delta.getString("type", "")) {
      case "text_delta" -> turn.text(delta.getString("text"));
      case "thinking_delta" -> turn.thinking(index, delta.getString("thinking"));
      case "signature_delta" -> turn.signature(index, delta.getString("signature"));
      case "input_json_delta" -> {
        if (!turn.has(index)) {
          throw LlmException.protocol("input_json_delta for a block that is not a tool_use");
        }
        turn.append(index, delta.getString("partial_json", ""));
      }
      default -> { }
    }
  }

  /** Counts are cumulative: the latest report of each wins. */
  private void usage(JsonObject usage) {
    if (usage == null) {
      return;
    }
    inputTokens = latest(usage, "input_tokens", inputTokens);
    outputTokens = latest(usage, "output_tokens", outputTokens);
    cacheReadTokens = latest(usage, "cache_read_input_tokens", cacheReadTokens);
    cacheWriteTokens = latest(usage, "cache_creation_input_tokens", cacheWriteTokens);
  }

  private static long latest(JsonObject usage, String field, long current) {
    return usage.getValue(field) instanceof Number number ? number.longValue() : current;
  }

  @Override
  public boolean complete() {
    return done;
  }

  @Override
  public LlmTurn finish() {
    if (!done) {
      throw new LlmException("provider.unavailable", "the stream ended before message_stop", true);
    }
    return turn.turn(new LlmTurn.Usage(inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens));
  }
}
