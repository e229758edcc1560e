package dev.arkloop.common.threads;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The structured message form stored in {@code messages.content_json}: {@code {"parts": [...]}} where
 * a part is {@code {"type":"text","text"}}, {@code {"type":"tool_call","tool_call_id","tool_name",
 * "arguments"}} or {@code {"type":"tool_result","tool_call_id","tool_name","result"|"error"}}.
 * {@code content} beside it stays the plain text a person reads.
 */
public final class ContentParts {
  public static final String PARTS = "parts";

  private ContentParts() {}

  /** A message made of one text part. */
  public static JsonObject ofText(String text) {
    return new JsonObject().put(PARTS, new JsonArray().add(text(text)));
  }

  /** A message of the given parts. */
  public static JsonObject of(JsonObject... parts) {
    JsonArray array = new JsonArray();
    for (JsonObject part : parts) {
      array.add(part);
    }
    return new JsonObject().put(PARTS, array);
  }

  public static JsonObject text(String text) {
    return new JsonObject().put("type", "text").put("text", text);
  }

  public static JsonObject toolCall(String toolCallId, String toolName, JsonObject arguments) {
    return new JsonObject().put("type", "tool_call").put("tool_call_id", toolCallId).put("tool_name", toolName)
        .put("arguments", arguments == null ? new JsonObject() : arguments);
  }

  public static JsonObject toolResult(String toolCallId, String toolName, Object result) {
    return new JsonObject().put("type", "tool_result").put("tool_call_id", toolCallId).put("tool_name", toolName)
        .put("result", result);
  }

  public static JsonObject toolError(String toolCallId, String toolName, String error) {
    return new JsonObject().put("type", "tool_result").put("tool_call_id", toolCallId).put("tool_name", toolName)
        .put("error", error);
  }

  /** The parts of a stored {@code content_json}, or one text part of {@code content} when absent. */
  public static JsonArray partsOf(ThreadMessage message) {
    JsonObject json = message.contentJson();
    if (json != null && json.getValue(PARTS) instanceof JsonArray parts) {
      return parts;
    }
    return new JsonArray().add(text(message.content()));
  }
}
