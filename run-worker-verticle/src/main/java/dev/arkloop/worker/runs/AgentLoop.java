package dev.arkloop.worker.runs;

import dev.arkloop.common.personas.Persona;
import dev.arkloop.common.runs.EventPayloads;
import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.worker.llm.LlmException;
import dev.arkloop.worker.llm.LlmListener;
import dev.arkloop.worker.llm.LlmRequest;
import dev.arkloop.worker.llm.LlmTurn;
import dev.arkloop.worker.llm.ModelCaller;
import dev.arkloop.worker.tools.ToolCatalog;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.function.Supplier;

/**
 * The agent loop of one run: call the model with the persona's prompt, tools and budgets, stream its
 * text as {@code message.delta} (its reasoning too, as {@code channel: thinking}, when the persona
 * streams thinking), hand the tool calls to the {@link ToolRunner}, and go round again until it
 * answers, the persona's {@code reasoning_iterations} run out, a human must answer, or the run is
 * stopped from outside. Every model turn after the attempt's first needs credits left on the account:
 * a balance used up meanwhile (by other runs) ends the run as {@code entitlement.credits_exhausted}.
 */
final class AgentLoop {
  static final String CREDITS_EXHAUSTED = "entitlement.credits_exhausted";
  private final ModelCaller model;
  private final Persona persona;
  private final ToolCatalog catalog;
  private final RunEventWriter events;
  private final ToolRunner tools;
  private final Future<String> abort;
  private final Supplier<Future<Boolean>> hasCredits;
  /** The worker checked the credits before this attempt's first turn; later turns check again. */
  private boolean firstTurn = true;

  AgentLoop(ModelCaller model, Persona persona, ToolCatalog catalog, RunEventWriter events, ToolRunner tools,
      Future<String> abort, Supplier<Future<Boolean>> hasCredits) {
    this.model = model;
    this.persona = persona;
    this.catalog = catalog;
    this.events = events;
    this.tools = tools;
    this.abort = abort;
    this.hasCredits = hasCredits;
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
    // a balance that cannot be read lets the turn go on: overdraft is bounded by the runs already running
    Future<Boolean> mayGoOn = firstTurn ? Future.succeededFuture(true) : hasCredits.get().otherwise(true);
    firstTurn = false;
    return mayGoOn.compose(credits -> credits ? turn(state)
        : Future.succeededFuture(new Outcome.Failed(state, CREDITS_EXHAUSTED, "the account has no credits left")));
  }

  private Future<Outcome> turn(LoopState state) {
    int segment = state.segment;
    return events.emit(EventTypes.SEGMENT_START, EventPayloads.segmentStart(segment))
        .compose(v -> model.call(request(state), listener(), abort.mapEmpty()))
        .compose(turn -> afterTurn(state, segment, turn), failure -> Future.succeededFuture(failed(state, failure)));
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
        events.emit(EventTypes.MESSAGE_DELTA, EventPayloads.messageDelta(delta));
      }

      @Override
      public void onThinking(String delta) {
        // not streamed means not stored either: the delta never becomes an event
        if (persona.streamThinking()) {
          events.emit(EventTypes.MESSAGE_DELTA, EventPayloads.thinkingDelta(delta));
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
    Future<Void> ended = events.emit(EventTypes.SEGMENT_END, EventPayloads.segmentEnd(segment));
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
