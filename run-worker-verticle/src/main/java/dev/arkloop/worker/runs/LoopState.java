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
  /** {@code input} (ask_user) or {@code approval} (a tool call waiting to be approved). */
  String awaitingKind;
  /** Tool calls of the last turn not yet handled, the awaited one first: {@code [{id, name, arguments}]}. */
  JsonArray pendingCalls = new JsonArray();
  /** Tools whose approval nobody gave in time (denied at the deadline): the user hears of it when the run ends. */
  JsonArray timedOutApprovals = new JsonArray();

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
    LoopState state = new LoopState(json.getJsonArray("conversation", new JsonArray()), json.getInteger("segment", 0),
        LlmTurn.Usage.fromJson(json.getJsonObject("usage")), json.getString("text", ""),
        json.getJsonArray("parts", new JsonArray()), json.getString("awaiting_call_id"),
        json.getString("awaiting_tool_name"));
    state.awaitingKind = json.getString("awaiting_kind", state.awaitingCallId == null ? null : "input");
    state.pendingCalls = json.getJsonArray("pending_calls", new JsonArray());
    state.timedOutApprovals = json.getJsonArray("timed_out_approvals", new JsonArray());
    return state;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("conversation", conversation)
        .put("segment", segment)
        .put("usage", usage.toJson())
        .put("text", text.toString())
        .put("parts", parts)
        .put("awaiting_call_id", awaitingCallId)
        .put("awaiting_tool_name", awaitingToolName)
        .put("awaiting_kind", awaitingKind)
        .put("pending_calls", pendingCalls)
        .put("timed_out_approvals", timedOutApprovals);
  }

  /** The structured final message: text parts, tool calls and results, in order. */
  JsonObject contentJson() {
    return new JsonObject().put("parts", parts);
  }
}
