package dev.arkloop.worker.llm;

import io.vertx.core.Future;

/**
 * A streaming chat model. Implementations push text as it arrives through the listener and resolve
 * with the whole turn; they stop at once (and fail with {@link LlmException} class
 * {@code cancelled}) when {@code cancel} completes. Never block: no thread per call.
 */
public interface LlmProvider {

  Future<LlmTurn> stream(LlmRequest request, LlmListener listener, Future<Void> cancel);
}
