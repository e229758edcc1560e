package dev.arkloop.worker.runs;

import dev.arkloop.worker.llm.LlmTurn;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Where an agent loop stands: the conversation so far (neutral chat form), the segment index, the
 * usage, the assistant's text and structured parts of this run, and the tool call awaiting user
 * input. Saved on the run while it waits for input, so any worker can resume it.
 */
final class LoopState {
  final JsonArray conversation;
  int segment;
  LlmTurn.Usage usage;
  final StringBuilder text;
  final JsonArray parts;
  String awaitingCallId;
  String awaitingToolName;

  private LoopState(JsonArray conversation, int segment, LlmTurn.Usage usage, String text, JsonArray parts,
      String awaitingCallId, String awaitingToolName) {
    this.conversation = conversation;
    this.segment = segment;
    this.usage = usage;
    this.text = new StringBuilder(text);
    this.parts = parts;
    this.awaitingCallId = awaitingCallId;
    this.awaitingToolName = awaitingToolName;
  }

  static LoopState fresh(JsonArray conversation) {
    return new LoopState(conversation, 0, LlmTurn.Usage.NONE, "", new JsonArray(), null, null);
  }

  static LoopState fromJson(JsonObject json) {
    return new LoopState(json.getJsonArray("conversation", new JsonArray()), json.getInteger("segment", 0),
        LlmTurn.Usage.fromJson(json.getJsonObject("usage")), json.getString("text", ""),
        json.getJsonArray("parts", new JsonArray()), json.getString("awaiting_call_id"),
        json.getString("awaiting_tool_name"));
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("conversation", conversation)
        .put("segment", segment)
        .put("usage", usage.toJson())
        .put("text", text.toString())
        .put("parts", parts)
        .put("awaiting_call_id", awaitingCallId)
        .put("awaiting_tool_name", awaitingToolName);
  }

  /** The structured final message: text parts, tool calls and results, in order. */
  JsonObject contentJson() {
    return new JsonObject().put("parts", parts);
  }
}
