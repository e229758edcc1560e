package dev.arkloop.common.bus;

/** Event-bus addresses. The bus only signals; durable state is in PostgreSQL. */
public final class Addresses {
  private Addresses() {}

  /** Wake-up for a newly queued job of {@code type}, sent (one consumer) with body {@code {job_id}}. */
  public static String jobWake(String type) {
    return "arkloop.jobs.wake." + type;
  }

  /** Signals (cancel, input) for the worker running a run, sent with body {@code {type}}; also stored. */
  public static String runSignals(java.util.UUID runId) {
    return "arkloop.runs.signal." + runId;
  }

  /** The job type that executes runs. */
  public static final String RUN_EXECUTE = "run.execute";
}
