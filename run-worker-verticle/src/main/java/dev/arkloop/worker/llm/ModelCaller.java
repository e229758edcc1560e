package dev.arkloop.worker.llm;

import io.vertx.core.Future;

/**
 * How the agent loop calls "the model": over the run's routes, with whatever retry and fallback
 * policy applies, reporting retries and fallbacks through {@link RouteEvents}.
 */
public interface ModelCaller {

  Future<LlmTurn> call(LlmRequest request, LlmListener listener, Future<Void> cancel);

  /** The route that answered last (for the run's model, usage and cost). */
  ModelRoute current();

  /** What the caller reports while it works, as run events. */
  interface RouteEvents {
    void retry(int attempt, long delayMs, String errorClass);

    void fallback(ModelRoute from, ModelRoute to, String reason);
  }
}
