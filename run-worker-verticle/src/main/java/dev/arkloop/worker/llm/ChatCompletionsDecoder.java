package dev.arkloop.worker.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Reads a Chat Completions stream: {@code data:} chunks with {@code choices[].delta} (text,
 * {@code reasoning_content} thinking, tool call fragments keyed by index), a last chunk with only
 * {@code usage} ({@code stream_options.include_usage}), then {@code data: [DONE]}.
 */
final class ChatCompletionsDecoder implements StreamDecoder {
  private final String apiKey;
  private final TurnAssembler turn;
  private LlmTurn.Usage usage = LlmTurn.Usage.NONE;
  private boolean finished;
  private boolean done;

  ChatCompletionsDecoder(LlmListener listener, String apiKey) {
    this.turn = new TurnAssembler(listener);
    this.apiKey = apiKey;
  }

  @Override
  public void onEvent(String event, String data) {
    if (data.strip().equals("[DONE]")) {
      done = true;
      return;
    }
    JsonObject chunk = WireJson.parse(data);
    if (chunk.getValue("error") != null) {
      throw ProviderErrors.streamError(chunk, apiKey);
    }
    JsonObject reported = chunk.getJsonObject("usage");
    if (reported != null) {
      long cached = WireJson.count(reported.getJsonObject("prompt_tokens_details"), "cached_tokens");
      usage = new LlmTurn.Usage(Math.max(0, WireJson.count(reported, "prompt_tokens") - cached),
          WireJson.count(reported, "completion_tokens"), cached, 0);
    }
    JsonArray choices = chunk.getJsonArray("choices");
    if (choices == null) {
      return;
    }
    for (int i = 0; i < choices.size(); i++) {
      JsonObject choice = choices.getJsonObject(i);
      JsonObject delta = choice.getJsonObject("delta");
      if (delta != null) {
        delta(delta);
      }
      if (choice.getValue("finish_reason") != null) {
        finished = true;
      }
    }
  }

  private void delta(JsonObject delta) {
    turn.text(delta.getString("content"));
    turn.thinking(delta.getString("reasoning_content", delta.getString("reasoning")));
    JsonArray toolCalls = delta.getJsonArray("tool_calls");
    if (toolCalls != null) {
      for (int i = 0; i < toolCalls.size(); i++) {
        JsonObject call = toolCalls.getJsonObject(i);
        String key = String.valueOf(call.getInteger("index", i));
        JsonObject function = call.getJsonObject("function");
        turn.start(key, call.getString("id"), function == null ? null : function.getString("name"));
        turn.append(key, function == null ? null : function.getString("arguments"));
      }
    }
  }

  @Override
  public boolean complete() {
    return done;
  }

  @Override
  public LlmTurn finish() {
    if (!done && !finished) {
      throw new LlmException("provider.unavailable", "the stream ended before the model finished", true);
    }
    return turn.turn(usage);
  }
}
