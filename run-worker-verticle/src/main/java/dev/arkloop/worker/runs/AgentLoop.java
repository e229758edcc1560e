package dev.arkloop.worker.runs;

import dev.arkloop.common.personas.Persona;
import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.worker.llm.LlmException;
import dev.arkloop.worker.llm.LlmListener;
import dev.arkloop.worker.llm.ModelCaller;
import dev.arkloop.worker.llm.LlmRequest;
import dev.arkloop.worker.llm.LlmTurn;
import dev.arkloop.worker.llm.ModelCaller;
import dev.arkloop.worker.tools.ToolCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The agent loop of one run: call the model with the persona's prompt, tools and budgets, stream its
 * text as {@code message.delta} (its reasoning too, as {@code channel: thinking}, when the persona
 * streams thinking), hand the tool calls to the {@link ToolRunner}, and go round again until it
 * answers, the persona's {@code reasoning_iterations} run out, a human must answer, or the run is
 * stopped from outside.
 */
final class AgentLoop {
  private final ModelCaller model;
  private final Persona persona;
  private final ToolCatalog catalog;
  private final RunEventWriter events;
  private final ToolRunner tools;
  private final Future<String> abort;

  AgentLoop(ModelCaller model, Persona persona, ToolCatalog catalog, RunEventWriter events, ToolRunner tools,
      Future<String> abort) {
    this.model = model;
    this.persona = persona;
    this.catalog = catalog;
    this.events = events;
    this.tools = tools;
    this.abort = abort;
  }

  Future<Outcome> run(LoopState state) {
    if (abort.isComplete()) {
      return Future.succeededFuture(new Outcome.Aborted(state, abort.result()));
    }
    int limit = persona.reasoningIterations();
    if (state.segment >= limit) {
      return Future.succeededFuture(new Outcome.Failed(state, "budget.reasoning_iterations",
          "the model kept calling tools past " + limit + " iterations"));
    }
    int segment = state.segment;
    return events.emit(EventTypes.SEGMENT_START, segmentStart(segment))
        .compose(v -> model.call(request(state), listener(), abort.mapEmpty()))
        .compose(turn -> afterTurn(state, segment, turn), failure -> Future.succeededFuture(failed(state, failure)));
  }

  /**
   * The seed's numeric {@code segment} plus the original clients' {@code segment_id}, {@code kind} and
   * {@code display}: the first model call plans, later ones follow tool results. Shown, not collapsed:
   * the answer streams inside a segment.
   */
  private static JsonObject segmentStart(int segment) {
    return new JsonObject().put("segment", segment).put("segment_id", segmentId(segment))
        .put("kind", segment == 0 ? "planning_round" : "tool_round")
        .put("display", new JsonObject().put("mode", "visible").put("label", "Round " + (segment + 1)));
  }

  /** Unique in the run: the index only grows, across pauses for input too. */
  private static String segmentId(int segment) {
    return "seg_" + segment;
  }

  /** Continues a parked run with the stored input ({@code null} when the job woke without one). */
  Future<Outcome> resume(LoopState state, JsonObject input) {
    return tools.resume(state, input).compose(outcome -> continueWith(state, outcome));
  }

  private Future<Outcome> continueWith(LoopState state, Outcome toolOutcome) {
    return toolOutcome != null ? Future.succeededFuture(toolOutcome) : run(state);
  }

  private LlmListener listener() {
    return new LlmListener() {
      @Override
      public void onText(String delta) {
        events.emit(EventTypes.MESSAGE_DELTA, new JsonObject().put("content_delta", delta).put("role", "assistant"));
      }

      @Override
      public void onThinking(String delta) {
        // not streamed means not stored either: the delta never becomes an event
        if (persona.streamThinking()) {
          events.emit(EventTypes.MESSAGE_DELTA, new JsonObject().put("content_delta", delta).put("role", "assistant")
              .put("channel", "thinking"));
        }
      }
    };
  }

  private LlmRequest request(LoopState state) {
    JsonArray messages = new JsonArray();
    if (!persona.promptMd().isBlank()) {
      messages.add(new JsonObject().put("role", "system").put("content", persona.promptMd()));
    }
    state.conversation.forEach(messages::add);
    return new LlmRequest(null, messages, catalog.specs(), persona.modelOptions());
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
      assistant.put("tool_calls", calls.copy());
    }
    if (!turn.thinkingBlocks().isEmpty()) {
      assistant.put("thinking_blocks", turn.thinkingBlocks());
    }
    state.conversation.add(assistant);
    state.segment = segment + 1;
    state.pendingCalls = calls;
    Future<Void> ended = events.emit(EventTypes.SEGMENT_END,
        new JsonObject().put("segment", segment).put("segment_id", segmentId(segment)));
    if (calls.isEmpty()) {
      return ended.map(v -> new Outcome.Completed(state));
    }
    return ended.compose(v -> tools.runPending(state)).compose(outcome -> continueWith(state, outcome));
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
