package dev.arkloop.worker.runs;

import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.worker.llm.LlmException;
import dev.arkloop.worker.llm.LlmListener;
import dev.arkloop.worker.llm.ModelCaller;
import dev.arkloop.worker.llm.LlmRequest;
import dev.arkloop.worker.llm.LlmTurn;
import dev.arkloop.worker.tools.BuiltinTools;
import dev.arkloop.worker.tools.Tool;
import dev.arkloop.worker.tools.ToolContext;
import dev.arkloop.worker.tools.ToolException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The agent loop of one run: call the model, stream its text as {@code message.delta}, run the tools
 * it asks for ({@code tool.call} / {@code tool.result}), and go round again until it answers, a
 * budget runs out, the user must answer, or the run is stopped from outside.
 */
final class AgentLoop {
  static final int MAX_SEGMENTS = 10;
  static final long TOOL_TIMEOUT_MS = 30_000;

  private final ModelCaller model;
  private final BuiltinTools tools;
  private final RunEventWriter events;
  private final ToolContext toolContext;
  private final Future<String> abort;

  AgentLoop(ModelCaller model, BuiltinTools tools, RunEventWriter events, ToolContext toolContext,
      Future<String> abort) {
    this.model = model;
    this.tools = tools;
    this.events = events;
    this.toolContext = toolContext;
    this.abort = abort;
  }

  Future<Outcome> run(LoopState state) {
    if (abort.isComplete()) {
      return Future.succeededFuture(new Outcome.Aborted(state, abort.result()));
    }
    if (state.segment >= MAX_SEGMENTS) {
      return Future.succeededFuture(new Outcome.Failed(state, "budget.reasoning_iterations",
          "the model kept calling tools past " + MAX_SEGMENTS + " iterations"));
    }
    int segment = state.segment;
    return events.emit(EventTypes.SEGMENT_START, new JsonObject().put("segment", segment))
        .compose(v -> model.call(request(state), deltas, abort.mapEmpty()))
        .compose(turn -> afterTurn(state, segment, turn), failure -> Future.succeededFuture(failed(state, failure)));
  }

  /** Streamed output as {@code message.delta}; reasoning goes on the {@code thinking} channel. */
  private final LlmListener deltas = new LlmListener() {
    @Override
    public void onText(String delta) {
      events.emit(EventTypes.MESSAGE_DELTA, new JsonObject().put("content_delta", delta).put("role", "assistant"));
    }

    @Override
    public void onThinking(String delta) {
      events.emit(EventTypes.MESSAGE_DELTA, new JsonObject().put("content_delta", delta).put("role", "assistant")
          .put("channel", "thinking"));
    }
  };

  private LlmRequest request(LoopState state) {
    JsonArray specs = new JsonArray();
    tools.all().forEach(tool -> specs.add(tool.spec()));
    return new LlmRequest(null, state.conversation, specs, new JsonObject());
  }

  private Future<Outcome> afterTurn(LoopState state, int segment, LlmTurn turn) {
    state.usage = state.usage.plus(turn.usage());
    state.text.append(turn.text());
    if (!turn.text().isEmpty()) {
      state.parts.add(new JsonObject().put("type", "text").put("text", turn.text()));
    }
    JsonArray calls = new JsonArray();
    turn.toolCalls().forEach(call -> calls.add(new JsonObject().put("id", call.id()).put("name", call.name())
        .put("arguments", call.arguments())));
    JsonObject assistant = new JsonObject().put("role", "assistant").put("content", turn.text());
    if (!calls.isEmpty()) {
      assistant.put("tool_calls", calls);
    }
    state.conversation.add(assistant);
    state.segment = segment + 1;
    Future<Void> ended = events.emit(EventTypes.SEGMENT_END, new JsonObject().put("segment", segment));
    if (turn.toolCalls().isEmpty()) {
      return ended.map(v -> new Outcome.Completed(state));
    }
    return ended.compose(v -> runTools(state, turn.toolCalls(), 0));
  }

  private Future<Outcome> runTools(LoopState state, List<LlmTurn.ToolCall> calls, int index) {
    if (index == calls.size()) {
      return run(state);
    }
    if (abort.isComplete()) {
      return Future.succeededFuture(new Outcome.Aborted(state, abort.result()));
    }
    LlmTurn.ToolCall call = calls.get(index);
    state.parts.add(new JsonObject().put("type", "tool_call").put("tool_call_id", call.id())
        .put("tool_name", call.name()).put("arguments", call.arguments()));
    Future<Void> announced = events.emit(EventTypes.TOOL_CALL, new JsonObject().put("tool_call_id", call.id())
        .put("tool_name", call.name()).put("arguments", call.arguments()));
    if (BuiltinTools.ASK_USER.equals(call.name())) {
      state.awaitingCallId = call.id();
      state.awaitingToolName = call.name();
      return announced.map(v -> new Outcome.Parked(state, call.arguments().getString("prompt", ""), call.id()));
    }
    Tool tool = tools.get(call.name());
    Future<JsonObject> result = tool == null
        ? Future.failedFuture(new ToolException("tool.not_found", "no tool named " + call.name()))
        : invoke(tool, call.arguments());
    return announced.compose(v -> result.transform(done -> Future.succeededFuture(done)))
        .compose(done -> {
          JsonObject data = new JsonObject().put("tool_call_id", call.id()).put("tool_name", call.name());
          JsonObject message = new JsonObject().put("role", "tool").put("tool_call_id", call.id())
              .put("name", call.name());
          if (done.succeeded()) {
            data.put("result", done.result());
            message.put("content", done.result().encode());
          } else {
            JsonObject error = toolError(done.cause());
            data.put("error", error);
            message.put("content", new JsonObject().put("error", error).encode());
          }
          state.conversation.add(message);
          state.parts.add(new JsonObject().put("type", "tool_result").put("tool_call_id", call.id())
              .put("tool_name", call.name()).put(done.succeeded() ? "result" : "error",
                  done.succeeded() ? done.result() : data.getJsonObject("error")));
          return events.emit(EventTypes.TOOL_RESULT, data);
        })
        .compose(v -> runTools(state, calls, index + 1));
  }

  /** Adds the user's answer to the call that paused the run. */
  static void answer(LoopState state, String content) {
    state.conversation.add(new JsonObject().put("role", "tool").put("tool_call_id", state.awaitingCallId)
        .put("name", state.awaitingToolName).put("content", new JsonObject().put("answer", content).encode()));
    state.parts.add(new JsonObject().put("type", "tool_result").put("tool_call_id", state.awaitingCallId)
        .put("tool_name", state.awaitingToolName).put("result", new JsonObject().put("answer", content)));
    state.awaitingCallId = null;
    state.awaitingToolName = null;
  }

  private Future<JsonObject> invoke(Tool tool, JsonObject arguments) {
    try {
      return tool.call(arguments, toolContext).timeout(TOOL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private static JsonObject toolError(Throwable failure) {
    if (failure instanceof ToolException tool) {
      return new JsonObject().put("error_class", tool.errorClass()).put("message", tool.getMessage());
    }
    if (failure instanceof java.util.concurrent.TimeoutException) {
      return new JsonObject().put("error_class", "tool.timeout").put("message", "the tool did not answer in time");
    }
    return new JsonObject().put("error_class", "tool.error").put("message", String.valueOf(failure.getMessage()));
  }

  private Outcome failed(LoopState state, Throwable failure) {
    if (abort.isComplete()) {
      return new Outcome.Aborted(state, abort.result());
    }
    if (failure instanceof LeaseLostException) {
      return new Outcome.Aborted(state, "lease");
    }
    if (failure instanceof LlmException llm) {
      return new Outcome.Failed(state, llm.errorClass(), llm.getMessage());
    }
    return new Outcome.Failed(state, "internal.error", "the agent loop failed");
  }
}
