package dev.arkloop.worker.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** OpenAI Chat Completions ({@code POST {base}/chat/completions}, streamed), and every API compatible with it. */
final class ChatCompletionsFormat implements WireFormat {

  @Override
  public String path() {
    return "/chat/completions";
  }

  @Override
  public StreamDecoder decoder(LlmListener listener, String apiKey) {
    return new ChatCompletionsDecoder(listener, apiKey);
  }

  @Override
  public JsonObject body(LlmRequest request, JsonObject advanced) {
    JsonObject body = new JsonObject().put("model", request.model()).put("messages", messages(request.messages()))
        .put("stream", true).put("stream_options", new JsonObject().put("include_usage", true));
    if (request.tools() != null && !request.tools().isEmpty()) {
      JsonArray tools = new JsonArray();
      request.tools().forEach(tool -> {
        JsonObject spec = (JsonObject) tool;
        tools.add(new JsonObject().put("type", "function").put("function", new JsonObject()
            .put("name", spec.getString("name")).put("description", spec.getString("description"))
            .put("parameters", spec.getJsonObject("parameters"))));
      });
      body.put("tools", tools);
    }
    return WireJson.finish(body, request.options(), advanced, "max_tokens");
  }

  /** Neutral messages map one to one; tool call arguments travel as JSON text. */
  static JsonArray messages(JsonArray neutral) {
    JsonArray messages = new JsonArray();
    for (Object item : neutral) {
      JsonObject message = (JsonObject) item;
      String role = message.getString("role");
      String text = WireJson.text(message);
      JsonObject wire = new JsonObject().put("role", role);
      if ("tool".equals(role)) {
        wire.put("tool_call_id", message.getString("tool_call_id")).put("content", text);
      } else if ("assistant".equals(role) && message.getJsonArray("tool_calls") != null
          && !message.getJsonArray("tool_calls").isEmpty()) {
        JsonArray calls = new JsonArray();
        message.getJsonArray("tool_calls").forEach(call -> {
          JsonObject neutralCall = (JsonObject) call;
          calls.add(new JsonObject().put("id", neutralCall.getString("id")).put("type", "function")
              .put("function", new JsonObject().put("name", neutralCall.getString("name"))
                  .put("arguments", WireJson.arguments(neutralCall))));
        });
        wire.put("content", text.isEmpty() ? null : text).put("tool_calls", calls);
      } else {
        wire.put("content", text);
      }
      messages.add(wire);
    }
    return messages;
  }
}
