package dev.arkloop.worker.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * OpenAI Responses API ({@code POST {base}/responses}, streamed). Nothing is stored upstream
 * ({@code store: false}): the whole conversation is sent each turn, as with Chat Completions.
 */
final class ResponsesFormat implements WireFormat {

  @Override
  public String path() {
    return "/responses";
  }

  @Override
  public StreamDecoder decoder(LlmListener listener, String apiKey) {
    return new ResponsesDecoder(listener, apiKey);
  }

  @Override
  public JsonObject body(LlmRequest request, JsonObject advanced) {
    JsonObject body = new JsonObject().put("model", request.model()).put("input", input(request.messages()))
        .put("stream", true).put("store", false);
    if (request.tools() != null && !request.tools().isEmpty()) {
      JsonArray tools = new JsonArray();
      request.tools().forEach(tool -> {
        JsonObject spec = (JsonObject) tool;
        // strict mode would demand closed schemas of every tool: tools keep their schemas as they are
        tools.add(new JsonObject().put("type", "function").put("name", spec.getString("name"))
            .put("description", spec.getString("description")).put("parameters", spec.getJsonObject("parameters"))
            .put("strict", false));
      });
      body.put("tools", tools);
    }
    return WireJson.finish(body, request.options(), advanced, "max_output_tokens");
  }

  /** Messages become input items; an assistant's tool calls and each tool result are items of their own. */
  static JsonArray input(JsonArray neutral) {
    JsonArray items = new JsonArray();
    for (Object item : neutral) {
      JsonObject message = (JsonObject) item;
      String role = message.getString("role");
      String text = WireJson.text(message);
      if ("tool".equals(role)) {
        items.add(new JsonObject().put("type", "function_call_output")
            .put("call_id", message.getString("tool_call_id")).put("output", text));
        continue;
      }
      if (!"assistant".equals(role) || !text.isEmpty()) {
        items.add(new JsonObject().put("role", role).put("content", text));
      }
      JsonArray calls = message.getJsonArray("tool_calls");
      if ("assistant".equals(role) && calls != null) {
        calls.forEach(call -> {
          JsonObject neutralCall = (JsonObject) call;
          items.add(new JsonObject().put("type", "function_call").put("call_id", neutralCall.getString("id"))
              .put("name", neutralCall.getString("name"))
              .put("arguments", WireJson.arguments(neutralCall)));
        });
      }
    }
    return items;
  }
}
