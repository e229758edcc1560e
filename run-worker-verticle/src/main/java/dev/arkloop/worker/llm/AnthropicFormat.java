package dev.arkloop.worker.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Anthropic Messages ({@code POST {base}/v1/messages}, streamed). System messages become the
 * top-level {@code system}; tool results travel as {@code tool_result} blocks of a user message; runs
 * of messages with the same role merge, since the API wants user and assistant to alternate. An
 * assistant message's {@code thinking_blocks} go back first and unchanged, as extended thinking with
 * tools requires.
 */
final class AnthropicFormat implements WireFormat {
  /** The API requires a bound; without one from the run or the model's settings this is used. */
  static final int DEFAULT_MAX_TOKENS = 4096;

  @Override
  public String path() {
    return "/v1/messages";
  }

  @Override
  public StreamDecoder decoder(LlmListener listener, String apiKey) {
    return new AnthropicDecoder(listener, apiKey);
  }

  @Override
  public JsonObject body(LlmRequest request, JsonObject advanced) {
    StringBuilder system = new StringBuilder();
    JsonArray messages = new JsonArray();
    for (Object item : request.messages()) {
      JsonObject message = (JsonObject) item;
      String role = message.getString("role");
      String text = WireJson.text(message);
      if ("system".equals(role)) {
        system.append(system.length() == 0 ? "" : "\n\n").append(text);
      } else if ("tool".equals(role)) {
        add(messages, "user", new JsonObject().put("type", "tool_result")
            .put("tool_use_id", message.getString("tool_call_id")).put("content", text));
      } else if ("assistant".equals(role)) {
        JsonArray thinking = message.getJsonArray("thinking_blocks");
        if (thinking != null) {
          thinking.forEach(block -> add(messages, "assistant", ((JsonObject) block).copy()));
        }
        if (!text.isEmpty()) {
          add(messages, "assistant", new JsonObject().put("type", "text").put("text", text));
        }
        JsonArray calls = message.getJsonArray("tool_calls");
        if (calls != null) {
          calls.forEach(call -> {
            JsonObject neutral = (JsonObject) call;
            add(messages, "assistant", new JsonObject().put("type", "tool_use").put("id", neutral.getString("id"))
                .put("name", neutral.getString("name")).put("input", new JsonObject(
                    WireJson.arguments(neutral))));
          });
        }
      } else if (!text.isEmpty()) {
        add(messages, "user", new JsonObject().put("type", "text").put("text", text));
      }
    }
    JsonObject body = new JsonObject().put("model", request.model()).put("max_tokens", DEFAULT_MAX_TOKENS)
        .put("messages", messages).put("stream", true);
    if (system.length() > 0) {
      body.put("system", system.toString());
    }
    if (request.tools() != null && !request.tools().isEmpty()) {
      JsonArray tools = new JsonArray();
      request.tools().forEach(tool -> {
        JsonObject spec = (JsonObject) tool;
        tools.add(new JsonObject().put("name", spec.getString("name")).put("description", spec.getString("description"))
            .put("input_schema", spec.getJsonObject("parameters")));
      });
      body.put("tools", tools);
    }
    return WireJson.finish(body, request.options(), advanced, "max_tokens");
  }

  /** Appends a content block, to the last message if it has the same role. */
  private static void add(JsonArray messages, String role, JsonObject block) {
    JsonObject last = messages.isEmpty() ? null : messages.getJsonObject(messages.size() - 1);
    if (last != null && role.equals(last.getString("role"))) {
      last.getJsonArray("content").add(block);
    } else {
      messages.add(new JsonObject().put("role", role).put("content", new JsonArray().add(block)));
    }
  }
}
