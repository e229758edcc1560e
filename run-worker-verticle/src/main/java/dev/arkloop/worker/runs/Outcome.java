package dev.arkloop.worker.runs;

/** How an agent loop ended. */
sealed interface Outcome {

  /** The model answered. */
  record Completed(LoopState state) implements Outcome {}

  /** The run failed with an error class ({@code provider.*}, {@code tool.*}, {@code budget.*}, ...). */
  record Failed(LoopState state, String errorClass, String message) implements Outcome {}

  /**
   * The run waits for the user; the state is saved and the worker slot freed. {@code details} go into
   * the {@code run.waiting_for_input} event; with {@code deadlineSeconds} the job wakes by itself
   * then (an unanswered approval is denied), without it only an answer or a cancel wakes it.
   */
  record Parked(LoopState state, String prompt, String callId, io.vertx.core.json.JsonObject details,
      Integer deadlineSeconds) implements Outcome {}

  /** Stopped from outside: {@code cancel}, {@code timeout}, or {@code lease} (lease lost). */
  record Aborted(LoopState state, String reason) implements Outcome {}
}
