package dev.arkloop.common.runs;

import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.bus.Addresses;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.threads.Conversation;
import dev.arkloop.common.threads.ThreadMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
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

  /**
   * What a new run must pass, checked in the statement that creates it: credits left (when {@code
   * needsCredits}), fewer active runs than {@code concurrentRuns}, fewer runs and input + output
   * tokens this UTC month than {@code runsPerMonth} and {@code tokensPerMonth}. A limit of 0 (or less)
   * is off. The counts hold only under the account's lock ({@link #accountLock}), taken by an earlier
   * statement of the transaction.
   */
  public record Admission(boolean needsCredits, long concurrentRuns, long runsPerMonth, long tokensPerMonth) {
    /** No check but the thread's own (one active run per thread). */
    public static final Admission NONE = new Admission(false, 0, 0, 0);
  }

  private static final String THIS_MONTH =
      "org_id = $2 AND created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'";

  /**
   * One statement: the checks, then (only when they all pass) the job, the run, its {@code
   * run.started} event and the thread taken. It runs after the account's lock was granted, so its
   * snapshot holds every run committed before: the counts cannot be raced past. A refusal is the
   * first failed check, in this order. Only the checks that are on are in the statement (their
   * limits are parameters from {@code $22} on), so each combination has one plan PostgreSQL caches.
   */
  private static String createSql(Admission admission) {
    StringBuilder checks = new StringBuilder("CASE WHEN a.active_run_id IS NOT NULL THEN 'thread_busy' ");
    if (admission.needsCredits()) {
      checks.append("WHEN a.balance <= 0 THEN 'credits' ");
    }
    int param = 22;
    if (admission.concurrentRuns() > 0) {
      checks.append("WHEN (SELECT count(*) FROM runs WHERE org_id = $2 AND status IN ").append(RunStatus.ACTIVE_SQL)
          .append(") >= $").append(param++).append("::bigint THEN 'concurrency' ");
    }
    if (admission.runsPerMonth() > 0) {
      checks.append("WHEN (SELECT count(*) FROM runs WHERE ").append(THIS_MONTH).append(") >= $").append(param++)
          .append("::bigint THEN 'runs_per_month' ");
    }
    if (admission.tokensPerMonth() > 0) {
      checks.append("WHEN (SELECT coalesce(sum(coalesce(total_input_tokens, 0) + coalesce(total_output_tokens, 0)), 0) ")
          .append("FROM runs WHERE ").append(THIS_MONTH).append(") >= $").append(param).append("::bigint ")
          .append("THEN 'tokens_per_month' ");
    }
    return """
        WITH c AS MATERIALIZED (
          SELECT a.active_run_id, a.balance, %1$s END AS refusal
          FROM (SELECT (SELECT id FROM runs WHERE thread_id = $3 AND status IN %2$s LIMIT 1) AS active_run_id,
                  coalesce((SELECT balance FROM credit_balances WHERE org_id = $2), 0) AS balance) a),
        j AS (%3$s SELECT $5, $6, $7, $8, $2, $9 FROM c WHERE c.refusal IS NULL RETURNING id),
        r AS (
          INSERT INTO runs (id, org_id, thread_id, created_by_user_id, job_id, status, route_id, persona_id, model,
            options, trace_id, idempotency_key, request_hash)
          SELECT $1, $2, $3, $4, j.id, $10, $11, $12, $13, $14, $15, $16, $17 FROM j RETURNING id),
        e AS (
          INSERT INTO run_events (run_id, seq, type, data, created_at)
          SELECT r.id, $18, $19, $20::text::jsonb, $21 FROM r),
        t AS (
          UPDATE threads SET active_run_id = $1, updated_at = date_trunc('milliseconds', now())
          WHERE id = $3 AND EXISTS (SELECT 1 FROM r))
        SELECT refusal, active_run_id, balance FROM c""".formatted(checks, RunStatus.ACTIVE_SQL, JobQueue.insertInto());
  }

  private RunLifecycle() {}

  /**
   * The account's lock that serialises its run creations, as a SQL expression of the account id's
   * text ({@code orgIdText}); held to the end of the transaction.
   */
  public static String accountLock(String orgIdText) {
    return "pg_advisory_xact_lock(hashtextextended(" + orgIdText + ", 7))";
  }

  /**
   * Creates a running run, its {@code run.execute} job and its {@code run.started} event, and takes the
   * thread, in one statement, if the thread has no active run and the account passes {@code
   * admission}; else fails with the refusal ({@code runs.thread_busy}, {@code credits.exhausted}, or
   * {@code rate_limit} with the reason) and writes nothing.
   */
  public static Future<Created> create(SqlClient tx, NewRun run, int maxAttempts, Admission admission) {
    UUID runId = Ids.newId();
    UUID jobId = Ids.newId();
    JsonObject payload = new JsonObject().put("run_id", runId.toString()).put("thread_id", run.threadId().toString())
        .put("org_id", run.orgId().toString());
    RunEvent started = RunEvent.now(runId, 1, EventTypes.STARTED, EventPayloads.started(run.options()));
    JsonObject options = run.options();
    Tuple params = Tuple.of(runId, run.orgId(), run.threadId(), run.createdBy(), jobId, Addresses.RUN_EXECUTE,
            JOB_PAYLOAD_VERSION, payload, maxAttempts, RunStatus.RUNNING.wire())
        .addValue(options.getString("route_id")).addValue(options.getString("persona_id"))
        .addValue(options.getString("model")).addValue(options).addValue(run.traceId())
        .addValue(run.idempotencyKey()).addValue(run.requestHash())
        .addValue(started.seq()).addValue(started.type()).addValue(started.dataJson()).addValue(started.createdAt());
    for (long limit : new long[] {admission.concurrentRuns(), admission.runsPerMonth(), admission.tokensPerMonth()}) {
      if (limit > 0) {
        params.addValue(limit);
      }
    }
    return tx.preparedQuery(createSql(admission)).execute(params).compose(rows -> {
      Row row = rows.iterator().next();
      String refusal = row.getString("refusal");
      return refusal == null ? Future.succeededFuture(new Created(runId, jobId, started))
          : Future.failedFuture(refused(refusal, row, admission));
    });
  }

  private static DomainException refused(String refusal, Row row, Admission admission) {
    return switch (refusal) {
      case "thread_busy" -> threadBusy(row.getUUID("active_run_id"));
      case "credits" -> new DomainException(DomainException.Kind.PAYMENT_REQUIRED, "credits.exhausted",
          "the account has no credits left",
          new JsonObject().put("reason", "credits.exhausted").put("balance", row.getLong("balance")));
      case "concurrency" -> new DomainException(DomainException.Kind.LIMITED, "rate_limit",
          "too many active runs in this account", new JsonObject().put("reason", "runs.concurrency")
              .put("limit", admission.concurrentRuns()).put("retry_after_seconds", 5));
      case "runs_per_month" -> quota("quota.runs_per_month", admission.runsPerMonth());
      default -> quota("quota.tokens_per_month", admission.tokensPerMonth());
    };
  }

  /** {@code runs.thread_busy}: a thread runs one run at a time. */
  public static DomainException threadBusy(UUID activeRunId) {
    return new DomainException(DomainException.Kind.CONFLICT, "runs.thread_busy",
        "the thread already has an active run", new JsonObject().put("active_run_id", activeRunId.toString()));
  }

  private static DomainException quota(String key, long limit) {
    return new DomainException(DomainException.Kind.LIMITED, "rate_limit",
        "the account has used its " + key + " for this month",
        new JsonObject().put("reason", key).put("limit", limit).put("retry_after_seconds", 3600));
  }

  /**
   * A worker takes the run up. A run woken at its approval deadline is still waiting: it runs again
   * from here, so an answer that comes now is refused instead of being lost. An ended run is left
   * alone. {@code runId} is a SQL parameter; as a data-modifying {@code WITH} item the worker reads
   * the run in the same statement.
   */
  public static String startUpdate(String runId) {
    return "UPDATE runs SET started_at = coalesce(started_at, now()), updated_at = now(), status = CASE WHEN status = '"
        + RunStatus.WAITING_FOR_INPUT.wire() + "' THEN '" + RunStatus.RUNNING.wire() + "' ELSE status END "
        + "WHERE id = " + runId + " AND status IN " + RunStatus.ACTIVE_SQL;
  }

  public static Future<Void> start(SqlClient client, UUID runId) {
    return client.preparedQuery(startUpdate("$1")).execute(Tuple.of(runId)).mapEmpty();
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

  /** The assistant's final message of a completed run: its text, and its parts (null: the text as one part). */
  public record Answer(String content, JsonObject contentJson) {}

  /**
   * The run completed, with its totals; {@code answer} (may be null) becomes the thread's assistant
   * message, and with {@code metering} enabled the run's credits are debited ({@link
   * CreditLedger#debitItems}), all in one statement with the thread's release.
   */
  public static Future<Void> complete(SqlConnection tx, UUID runId, UUID threadId, Totals totals, Answer answer,
      CreditLedger.Metering metering) {
    boolean debit = metering != null && metering.enabled();
    return end(tx, runId, threadId, RunStatus.COMPLETED, """
        model = $5, total_input_tokens = $6, total_output_tokens = $7, cache_read_tokens = $8,
        cache_write_tokens = $9, cache_hit_rate = $10, total_cost_usd = $11::numeric, completed_at = now(),
        loop_state = NULL, """ + DURATION + (debit ? ", credits_used = " + CreditLedger.runCredits("$11::numeric", "$12") : ""),
        answer, debit, debit ? totalsAnd(totals, metering.creditsPerUsd()) : totalsAnd(totals))
        .compose(row -> debit ? CreditLedger.afterDebit(tx, runId, row, metering) : Future.succeededFuture());
  }

  private static Object[] totalsAnd(Totals totals, Object... more) {
    Object[] values = {totals.model(), totals.inputTokens(), totals.outputTokens(), totals.cacheReadTokens(),
        totals.cacheWriteTokens(), totals.cacheHitRate(), totals.costUsd()};
    Object[] all = java.util.Arrays.copyOf(values, values.length + more.length);
    System.arraycopy(more, 0, all, values.length, more.length);
    return all;
  }

  public static Future<Void> fail(SqlClient tx, UUID runId, UUID threadId, String errorClass, String message) {
    return end(tx, runId, threadId, RunStatus.FAILED,
        "error_class = $5, error_message = $6, failed_at = now(), loop_state = NULL, " + DURATION,
        null, false, errorClass, message).mapEmpty();
  }

  public static Future<Void> cancel(SqlClient tx, UUID runId, UUID threadId) {
    return end(tx, runId, threadId, RunStatus.CANCELLED, "cancelled_at = now(), loop_state = NULL, " + DURATION,
        null, false).mapEmpty();
  }

  /** Marks the run's stored signals as handled. */
  public static Future<Void> consumeSignals(SqlClient tx, UUID runId) {
    return tx.preparedQuery("UPDATE run_signals SET consumed_at = now() WHERE run_id = $1 AND consumed_at IS NULL")
        .execute(Tuple.of(runId)).mapEmpty();
  }

  /**
   * Ends the run in one statement, if its status allows {@code next}: {@code set} (more columns,
   * parameters from {@code $5} on, {@code $4} is the thread) is written with the status, the thread
   * is released and the run's signals are spent; with an {@code answer} the assistant's message is
   * added and the thread marked active, and with {@code debit} its credits are debited. A signal that
   * a cancel request commits while this statement waits for the run's row stays unconsumed: the run
   * has ended, and nothing reads an ended run's signals.
   */
  private static Future<Row> end(SqlClient tx, UUID runId, UUID threadId, RunStatus next, String set, Answer answer,
      boolean debit, Object... values) {
    Tuple params = Tuple.of(runId, next.wire(), RunStatus.from(next), threadId);
    for (Object value : values) {
      params.addValue(value);
    }
    StringBuilder sql = new StringBuilder("WITH r AS (UPDATE runs SET status = $2, ").append(set)
        .append(", updated_at = now() WHERE id = $1 AND status = ANY($3) RETURNING id, org_id, thread_id, credits_used), ");
    if (answer == null) {
      sql.append("th AS (UPDATE threads SET active_run_id = NULL, updated_at = date_trunc('milliseconds', now()) ")
          .append("WHERE id = $4 AND active_run_id = $1 AND EXISTS (SELECT 1 FROM r)), ");
    } else {
      int at = params.size();
      params.addValue(Ids.newId()).addValue(answer.content())
          .addValue(Conversation.structured(answer.content(), answer.contentJson()));
      sql.append("m AS (").append(Conversation.insertFrom("SELECT $" + (at + 1) + ", r.org_id, $4, NULL, '"
              + ThreadMessage.ROLE_ASSISTANT + "', $" + (at + 2) + ", $" + (at + 3) + ", r.id FROM r "
              + "WHERE EXISTS (SELECT 1 FROM threads WHERE id = $4 AND org_id = r.org_id)")).append(" RETURNING id), ")
          // one update of the thread: released (if it is still this run's) and marked active by the answer
          .append("th AS (UPDATE threads SET active_run_id = CASE WHEN active_run_id = $1 THEN NULL ")
          .append("ELSE active_run_id END, updated_at = ").append(Conversation.NOW_MS)
          .append(" WHERE id = $4 AND EXISTS (SELECT 1 FROM m)), ");
    }
    sql.append("s AS (UPDATE run_signals SET consumed_at = now() WHERE run_id = $1 AND consumed_at IS NULL ")
        .append("AND EXISTS (SELECT 1 FROM r))");
    if (debit) {
      sql.append(", ").append(CreditLedger.debitItems("r"));
    }
    sql.append(" SELECT (SELECT count(*) FROM r) AS moved")
        .append(answer == null ? "" : ", (SELECT count(*) FROM m) AS answered")
        .append(debit ? ", " + CreditLedger.DEBITED : "");
    return tx.preparedQuery(sql.toString()).execute(params).compose(rows -> {
      Row row = rows.iterator().next();
      if (row.getLong("moved") != 1) {
        return Future.failedFuture(invalidTransition(runId, next));
      }
      if (answer != null && row.getLong("answered") != 1) {
        return Future.failedFuture(new IllegalStateException("thread " + threadId + " is not in the run's org"));
      }
      return Future.succeededFuture(row);
    });
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
