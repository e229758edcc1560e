package dev.arkloop.worker.llm;

import io.vertx.core.json.JsonObject;

/**
 * Reads a Responses API stream: typed events ({@code response.output_text.delta}, reasoning summary
 * deltas, {@code response.output_item.added} opening a function call, its
 * {@code response.function_call_arguments.delta/done}) until {@code response.completed} with usage.
 * {@code error} and {@code response.failed} end the call.
 */
final class ResponsesDecoder implements StreamDecoder {
  private final String apiKey;
  private final TurnAssembler turn;
  private LlmTurn.Usage usage = LlmTurn.Usage.NONE;
  private boolean done;

  ResponsesDecoder(LlmListener listener, String apiKey) {
    this.turn = new TurnAssembler(listener);
    this.apiKey = apiKey;
  }

  @Override
  public void onEvent(String event, String data) {
    JsonObject json = WireJson.parse(data);
    String type = json.getString("type", event == null ? "" : event);
    switch (type) {
      case "response.output_text.delta" -> turn.text(json.getString("delta"));
      case "response.reasoning_summary_text.delta", "response.reasoning_text.delta" ->
          turn.thinking(json.getString("delta"));
      case "response.output_item.added", "response.output_item.done" -> functionCall(json.getJsonObject("item"),
          type.endsWith("done"));
      case "response.function_call_arguments.delta" -> turn.append(itemKey(json), json.getString("delta"));
      case "response.function_call_arguments.done" -> turn.complete(itemKey(json), json.getString("arguments"));
      case "response.completed", "response.incomplete" -> {
        usage(json.getJsonObject("response"));
        done = true;
      }
      case "response.failed" -> {
        JsonObject response = json.getJsonObject("response");
        JsonObject error = response == null ? null : response.getJsonObject("error");
        throw ProviderErrors.streamError(error == null ? new JsonObject().put("type", "response.failed") : error,
            apiKey);
      }
      case "error" -> throw ProviderErrors.streamError(json, apiKey);
      default -> { }
    }
  }

  private void functionCall(JsonObject item, boolean finished) {
    if (item == null || !"function_call".equals(item.getString("type"))) {
      return;
    }
    String key = item.getString("id", item.getString("call_id"));
    turn.start(key, item.getString("call_id"), item.getString("name"));
    if (finished) {
      turn.complete(key, item.getString("arguments"));
    } else {
      turn.append(key, item.getString("arguments"));
    }
  }

  private static String itemKey(JsonObject json) {
    return json.getString("item_id", String.valueOf(json.getValue("output_index")));
  }

  private void usage(JsonObject response) {
    JsonObject reported = response == null ? null : response.getJsonObject("usage");
    if (reported != null) {
      long cached = WireJson.count(reported.getJsonObject("input_tokens_details"), "cached_tokens");
      usage = new LlmTurn.Usage(Math.max(0, WireJson.count(reported, "input_tokens") - cached),
          WireJson.count(reported, "output_tokens"), cached, 0);
    }
  }

  @Override
  public boolean complete() {
    return done;
  }

  @Override
  public LlmTurn finish() {
    if (!done) {
      throw new LlmException("provider.unavailable", "the stream ended before the response completed", true);
    }
    return turn.turn(usage);
  }
}
