package dev.arkloop.worker.runs;

import dev.arkloop.common.personas.Persona;
import dev.arkloop.common.personas.PersonaStore;
import dev.arkloop.worker.llm.ModelCaller;
import dev.arkloop.worker.tools.Tool;
import dev.arkloop.worker.tools.ToolCatalog;
import dev.arkloop.worker.tools.ToolContext;
import dev.arkloop.worker.tools.ToolRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What shapes a run besides its model: the persona it names (or the default one), the tools that
 * exist for it, and how long a tool approval may wait. Builds the agent loop of an attempt.
 */
public final class RunPolicies {
  private static final Set<String> LOOP_EXECUTORS =
      Set.of(Persona.EXECUTOR_SIMPLE, Persona.EXECUTOR_INTERACTIVE, "native_v1");
  private final PersonaStore personas;
  private final ToolRegistry tools;
  private final String defaultPersona;
  private final int approvalTimeoutSeconds;

  public RunPolicies(PersonaStore personas, ToolRegistry tools, String defaultPersona, int approvalTimeoutSeconds) {
    this.personas = personas;
    this.tools = tools;
    this.defaultPersona = defaultPersona;
    this.approvalTimeoutSeconds = approvalTimeoutSeconds;
  }

  PersonaStore personas() {
    return personas;
  }

  ToolRegistry tools() {
    return tools;
  }

  String defaultPersona() {
    return defaultPersona;
  }

  AgentLoop loop(ModelCaller model, Persona persona, List<Tool> available, RunEventWriter writer, ToolContext context,
      Future<String> abort, Supplier<Future<Boolean>> hasCredits) {
    ToolCatalog catalog = new ToolCatalog(available, persona);
    ToolRunner runner = new ToolRunner(catalog, writer, context, abort, persona.toolTimeoutMs(), approvalTimeoutSeconds);
    return new AgentLoop(model, persona, catalog, writer, runner, abort, hasCredits);
  }

  /**
   * How the run ends without the agent loop, or null when the loop runs: an unknown persona fails
   * ({@code policy.persona_not_found}), an executor this worker does not run fails ({@code
   * policy.executor_unsupported}), and {@code noop} completes at once without calling a model.
   */
  static Outcome refusal(Persona persona, String personaId) {
    if (persona == null) {
      return new Outcome.Failed(LoopState.fresh(new JsonArray()), "policy.persona_not_found",
          "no persona " + personaId);
    }
    if (Persona.EXECUTOR_NOOP.equals(persona.executorType())) {
      return new Outcome.Completed(LoopState.fresh(new JsonArray()));
    }
    if (!LOOP_EXECUTORS.contains(persona.executorType())) {
      return new Outcome.Failed(LoopState.fresh(new JsonArray()), "policy.executor_unsupported",
          "the executor " + persona.executorType() + " is not supported by this worker");
    }
    return null;
  }

  /** The newest stored input signal's payload, or null. */
  static JsonObject input(List<RunStore.Signal> signals) {
    return signals.stream().filter(s -> s.type().equals("input")).reduce((a, b) -> b).map(RunStore.Signal::payload)
        .orElse(null);
  }
}
