package dev.arkloop.common.runs;

import dev.arkloop.common.bus.Addresses;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/**
 * Every change of a run's status, with its SQL, for the API and the worker alike. Each move is one
 * guarded update: a run not in a status {@link RunStatus#canMoveTo} allows fails the transaction with
 * {@code runs.invalid_transition} and nothing is written. A run that ends also releases its thread
 * and consumes its signals. All methods write in the caller's transaction.
 */
public final class RunLifecycle {
  /** The version of the {@code run.execute} job's payload. */
  public static final int JOB_PAYLOAD_VERSION = 1;
  private static final String DURATION = "duration_ms = (extract(epoch FROM now() - created_at) * 1000)::bigint";

  /** A run to create: who asks, on which thread, with which options. */
  public record NewRun(UUID orgId, UUID threadId, UUID createdBy, JsonObject options, String traceId,
      String idempotencyKey, String requestHash) {}

  /** What creating a run wrote: publish {@code started} and wake a worker for {@code jobId} after the commit. */
  public record Created(UUID runId, UUID jobId, RunEvent started) {}

  /** What a successful run used, written on it when it completes. */
  public record Totals(String model, long inputTokens, long outputTokens, long cacheReadTokens,
      long cacheWriteTokens, Double cacheHitRate, double costUsd) {}

  private RunLifecycle() {}

  /** Creates a running run, its {@code run.execute} job and its {@code run.started} event; the thread is taken. */
  public static Future<Created> create(SqlClient tx, NewRun run, int maxAttempts) {
    UUID runId = Ids.newId();
    JsonObject payload = new JsonObject().put("run_id", runId.toString()).put("thread_id", run.threadId().toString())
        .put("org_id", run.orgId().toString());
    RunEvent started = RunEvent.now(runId, 1, EventTypes.STARTED, EventPayloads.started(run.options()));
    JsonObject options = run.options();
    return JobQueue.enqueue(tx, Addresses.RUN_EXECUTE, JOB_PAYLOAD_VERSION, payload, run.orgId(), maxAttempts)
        .compose(jobId -> tx.preparedQuery("""
                INSERT INTO runs (id, org_id, thread_id, created_by_user_id, job_id, status, route_id, persona_id, model,
                  options, trace_id, idempotency_key, request_hash)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)""")
            .execute(Tuple.of(runId, run.orgId(), run.threadId(), run.createdBy(), jobId, RunStatus.RUNNING.wire(),
                options.getString("route_id"), options.getString("persona_id"), options.getString("model"), options,
                run.traceId()).addValue(run.idempotencyKey()).addValue(run.requestHash()))
            .compose(v -> RunEventLog.append(tx, List.of(started)))
            .compose(v -> tx.preparedQuery("UPDATE threads SET active_run_id = $2, "
                    + "updated_at = date_trunc('milliseconds', now()) WHERE id = $1")
                .execute(Tuple.of(run.threadId(), runId)))
            .map(v -> new Created(runId, jobId, started)));
  }

  /**
   * A worker takes the run up. A run woken at its approval deadline is still waiting: it runs again
   * from here, so an answer that comes now is refused instead of being lost.
   */
  public static Future<Void> start(SqlClient client, UUID runId) {
    return client.preparedQuery("UPDATE runs SET started_at = coalesce(started_at, now()), updated_at = now(), "
            + "status = CASE WHEN status = $2 THEN $3 ELSE status END WHERE id = $1")
        .execute(Tuple.of(runId, RunStatus.WAITING_FOR_INPUT.wire(), RunStatus.RUNNING.wire())).mapEmpty();
  }

  /** The run waits for the user: its loop state is saved for whichever worker resumes it. */
  public static Future<Void> park(SqlClient tx, UUID runId, JsonObject loopState) {
    return move(tx, runId, RunStatus.WAITING_FOR_INPUT, "loop_state = $4", loopState)
        .compose(v -> consumeSignals(tx, runId));
  }

  /** The user answered a waiting run: the answer is stored as a signal and the run's job queued again. */
  public static Future<Void> resume(SqlClient tx, UUID runId, UUID jobId, JsonObject input) {
    return move(tx, runId, RunStatus.RUNNING, null)
        .compose(v -> signal(tx, runId, "input", input))
        .compose(v -> JobQueue.wake(tx, jobId));
  }

  /** Cancellation asked for: the request is stored as a signal for the run's writer. */
  public static Future<Void> requestCancel(SqlClient tx, UUID runId, JsonObject request) {
    return move(tx, runId, RunStatus.CANCELLING, null)
        .compose(v -> signal(tx, runId, "cancel", request));
  }

  public static Future<Void> complete(SqlClient tx, UUID runId, UUID threadId, Totals totals) {
    return move(tx, runId, RunStatus.COMPLETED, """
        model = $4, total_input_tokens = $5, total_output_tokens = $6, cache_read_tokens = $7,
        cache_write_tokens = $8, cache_hit_rate = $9, total_cost_usd = $10::numeric, completed_at = now(),
        loop_state = NULL, """ + DURATION,
        totals.model(), totals.inputTokens(), totals.outputTokens(), totals.cacheReadTokens(),
        totals.cacheWriteTokens(), totals.cacheHitRate(), totals.costUsd())
        .compose(v -> release(tx, runId, threadId));
  }

  public static Future<Void> fail(SqlClient tx, UUID runId, UUID threadId, String errorClass, String message) {
    return move(tx, runId, RunStatus.FAILED,
        "error_class = $4, error_message = $5, failed_at = now(), loop_state = NULL, " + DURATION,
        errorClass, message)
        .compose(v -> release(tx, runId, threadId));
  }

  public static Future<Void> cancel(SqlClient tx, UUID runId, UUID threadId) {
    return move(tx, runId, RunStatus.CANCELLED, "cancelled_at = now(), loop_state = NULL, " + DURATION)
        .compose(v -> release(tx, runId, threadId));
  }

  /** Marks the run's stored signals as handled. */
  public static Future<Void> consumeSignals(SqlClient tx, UUID runId) {
    return tx.preparedQuery("UPDATE run_signals SET consumed_at = now() WHERE run_id = $1 AND consumed_at IS NULL")
        .execute(Tuple.of(runId)).mapEmpty();
  }

  /** The run ended: its thread is free for the next run, and its signals are spent. */
  private static Future<Void> release(SqlClient tx, UUID runId, UUID threadId) {
    return tx.preparedQuery("UPDATE threads SET active_run_id = NULL, updated_at = date_trunc('milliseconds', now()) "
            + "WHERE id = $1 AND active_run_id = $2")
        .execute(Tuple.of(threadId, runId))
        .compose(v -> consumeSignals(tx, runId));
  }

  private static Future<Void> signal(SqlClient tx, UUID runId, String type, JsonObject payload) {
    return tx.preparedQuery("INSERT INTO run_signals (id, run_id, type, payload) VALUES ($1, $2, $3, $4)")
        .execute(Tuple.of(Ids.newId(), runId, type, payload)).mapEmpty();
  }

  /**
   * Moves the run to {@code next} if its status allows it; {@code set} (more columns, parameters from
   * {@code $4} on) is written with it.
   */
  private static Future<Void> move(SqlClient tx, UUID runId, RunStatus next, String set, Object... values) {
    Tuple params = Tuple.of(runId, next.wire(), RunStatus.from(next));
    for (Object value : values) {
      params.addValue(value);
    }
    return tx.preparedQuery("UPDATE runs SET status = $2, " + (set == null ? "" : set + ", ")
            + "updated_at = now() WHERE id = $1 AND status = ANY($3)")
        .execute(params)
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture()
            : Future.failedFuture(invalidTransition(runId, next)));
  }

  private static DomainException invalidTransition(UUID runId, RunStatus next) {
    return new DomainException(DomainException.Kind.CONFLICT, "runs.invalid_transition",
        "the run cannot become " + next.wire() + " from its current status",
        new JsonObject().put("run_id", runId.toString()).put("to", next.wire()));
  }
}
