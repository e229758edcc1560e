package dev.arkloop.worker.runs;

import dev.arkloop.common.runs.EventPayloads;
import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.worker.tools.BuiltinTools;
import dev.arkloop.worker.tools.Tool;
import dev.arkloop.worker.tools.ToolCatalog;
import dev.arkloop.worker.tools.ToolContext;
import dev.arkloop.worker.tools.ToolException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Handles the tool calls of a turn, in order: a call the persona refuses gets {@code tool.denied}
 * and an error message back to the model; {@code ask_user} and calls that need approval park the
 * run; every other call runs under the persona's tool timeout ({@code tool.call}, then {@code
 * tool.result} with the result or an error, never a crashed run). Resolves with null once every
 * pending call is handled, or with the outcome that stopped it (parked, aborted).
 */
final class ToolRunner {
  private final ToolCatalog catalog;
  private final RunEventWriter events;
  private final ToolContext context;
  private final Future<String> abort;
  private final long timeoutMs;
  private final int approvalTimeoutSeconds;

  ToolRunner(ToolCatalog catalog, RunEventWriter events, ToolContext context, Future<String> abort, long timeoutMs,
      int approvalTimeoutSeconds) {
    this.catalog = catalog;
    this.events = events;
    this.context = context;
    this.abort = abort;
    this.timeoutMs = timeoutMs;
    this.approvalTimeoutSeconds = approvalTimeoutSeconds;
  }

  Future<Outcome> runPending(LoopState state) {
    if (state.pendingCalls.isEmpty()) {
      return Future.succeededFuture(null);
    }
    if (abort.isComplete()) {
      return Future.succeededFuture(new Outcome.Aborted(state, abort.result()));
    }
    JsonObject call = state.pendingCalls.getJsonObject(0);
    String id = call.getString("id");
    String name = call.getString("name");
    JsonObject arguments = call.getJsonObject("arguments", new JsonObject());
    String denial = catalog.denial(name);
    if (denial != null) {
      return deny(state, id, name, denial).compose(v -> next(state));
    }
    if (BuiltinTools.ASK_USER.equals(name)) {
      state.parts.add(callPart(id, name, arguments));
      return events.emit(EventTypes.TOOL_CALL, EventPayloads.toolCall(id, name, arguments))
          .map(v -> park(state, id, name, "input", arguments.getString("prompt", ""), schemaOf(arguments), null));
    }
    if (catalog.needsApproval(name)) {
      JsonObject details = new JsonObject().put("tool_name", name).put("arguments", arguments).put("kind", "approval");
      return Future.succeededFuture(park(state, id, name, "approval", "Allow the tool " + name + " to run?", details,
          approvalTimeoutSeconds));
    }
    return execute(state, id, name, arguments).compose(v -> next(state));
  }

  /**
   * Continues after the pause: the user's answer to {@code ask_user}, or the decision on an
   * approval. An approval job that woke without input has timed out: the call is denied.
   */
  Future<Outcome> resume(LoopState state, JsonObject input) {
    String id = state.awaitingCallId;
    String name = state.awaitingToolName;
    String kind = state.awaitingKind;
    if (id == null || state.pendingCalls.isEmpty()) {
      return Future.succeededFuture(null);
    }
    JsonObject arguments = state.pendingCalls.getJsonObject(0).getJsonObject("arguments", new JsonObject());
    if (input == null) {
      if (!"approval".equals(kind)) {
        return Future.succeededFuture(park(state, id, name, kind, arguments.getString("prompt", ""), new JsonObject(),
            null));
      }
      clearAwaiting(state);
      state.timedOutApprovals.add(name);
      return deny(state, id, name, "approval_timeout").compose(v -> next(state));
    }
    clearAwaiting(state);
    String content = input.getString("content", "");
    Future<Void> provided = events.emit(EventTypes.INPUT_PROVIDED,
        EventPayloads.inputProvided(content, id, input.getString("trace_id")));
    if (!"approval".equals(kind)) {
      JsonObject answer = new JsonObject().put("answer", content);
      return provided.compose(v -> result(state, id, name, answer, null)).compose(v -> next(state));
    }
    return provided.compose(v -> ApprovalDecision.approved(content)
        ? execute(state, id, name, arguments) : deny(state, id, name, "user_denied")).compose(v -> next(state));
  }

  private Future<Outcome> next(LoopState state) {
    state.pendingCalls.remove(0);
    return runPending(state);
  }

  /** An {@code ask_user} call may describe the answer it wants (MCP elicitation's {@code requestedSchema}). */
  private static JsonObject schemaOf(JsonObject arguments) {
    Object schema = arguments.getValue("requestedSchema");
    return schema instanceof JsonObject ? new JsonObject().put("requestedSchema", schema) : new JsonObject();
  }

  private static Outcome park(LoopState state, String id, String name, String kind, String prompt, JsonObject details,
      Integer deadlineSeconds) {
    state.awaitingCallId = id;
    state.awaitingToolName = name;
    state.awaitingKind = kind;
    return new Outcome.Parked(state, prompt, id, details.put("kind", kind), deadlineSeconds);
  }

  private static void clearAwaiting(LoopState state) {
    state.awaitingCallId = null;
    state.awaitingToolName = null;
    state.awaitingKind = null;
  }

  private Future<Void> execute(LoopState state, String id, String name, JsonObject arguments) {
    state.parts.add(callPart(id, name, arguments));
    Tool tool = catalog.get(name);
    Future<JsonObject> called = tool == null
        ? Future.failedFuture(new ToolException("tool.not_found", "no tool named " + name))
        : invoke(tool, arguments);
    return events.emit(EventTypes.TOOL_CALL, EventPayloads.toolCall(id, name, arguments))
        .compose(v -> called.transform(done -> done.succeeded() ? result(state, id, name, done.result(), null)
            : result(state, id, name, null, toolError(done.cause()))));
  }

  private Future<JsonObject> invoke(Tool tool, JsonObject arguments) {
    try {
      return tool.call(arguments, context).timeout(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** Records a result or an error for the model, the final message and the event stream. */
  private Future<Void> result(LoopState state, String id, String name, JsonObject result, JsonObject error) {
    JsonObject part = new JsonObject().put("type", "tool_result").put("tool_call_id", id).put("tool_name", name);
    String content;
    if (error == null) {
      part.put("result", result);
      content = result.encode();
    } else {
      part.put("error", error);
      content = new JsonObject().put("error", error).encode();
    }
    state.conversation.add(new JsonObject().put("role", "tool").put("tool_call_id", id).put("name", name)
        .put("content", content));
    state.parts.add(part);
    return events.emit(EventTypes.TOOL_RESULT, EventPayloads.toolResult(id, name, result, error));
  }

  private Future<Void> deny(LoopState state, String id, String name, String reason) {
    JsonObject error = new JsonObject().put("error_class", "policy.tool_denied").put("reason", reason)
        .put("message", "the call to " + name + " was not allowed (" + reason + ")");
    state.conversation.add(new JsonObject().put("role", "tool").put("tool_call_id", id).put("name", name)
        .put("content", new JsonObject().put("error", error).encode()));
    state.parts.add(new JsonObject().put("type", "tool_denied").put("tool_call_id", id).put("tool_name", name)
        .put("reason", reason));
    return events.emit(EventTypes.TOOL_DENIED, EventPayloads.toolDenied(id, name, reason));
  }

  private static JsonObject callPart(String id, String name, JsonObject arguments) {
    return new JsonObject().put("type", "tool_call").put("tool_call_id", id).put("tool_name", name)
        .put("arguments", arguments);
  }

  private static JsonObject toolError(Throwable failure) {
    if (failure instanceof ToolException tool) {
      return new JsonObject().put("error_class", tool.errorClass()).put("message", tool.getMessage());
    }
    if (failure instanceof TimeoutException) {
      return new JsonObject().put("error_class", "tool.timeout").put("message", "the tool did not answer in time");
    }
    return new JsonObject().put("error_class", "tool.error").put("message", "the tool failed");
  }
}
