package dev.arkloop.worker.runs;

import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.threads.Conversation;
import dev.arkloop.worker.llm.LlmTurn;
import dev.arkloop.worker.llm.ModelRoute;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** What the worker reads and writes of runs, their threads and signals. */
final class RunStore {
  /** A run as the worker needs it. */
  record RunRow(UUID id, UUID orgId, UUID threadId, UUID projectId, UUID createdBy, String status, String traceId,
      JsonObject options, JsonObject loopState, OffsetDateTime createdAt) {

    boolean terminal() {
      return status.equals("completed") || status.equals("failed") || status.equals("cancelled");
    }
  }

  /** A signal the API left for the run's writer. */
  record Signal(UUID id, String type, JsonObject payload) {}

  private final Pool pool;

  RunStore(Pool pool) {
    this.pool = pool;
  }

  Future<RunRow> load(UUID runId) {
    return pool.preparedQuery("""
            SELECT r.id, r.org_id, r.thread_id, t.project_id, r.created_by_user_id, r.status, r.trace_id, r.options,
              r.loop_state, r.created_at
            FROM runs r JOIN threads t ON t.id = r.thread_id WHERE r.id = $1""")
        .execute(Tuple.of(runId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new RunRow(row.getUUID("id"), row.getUUID("org_id"), row.getUUID("thread_id"),
              row.getUUID("project_id"), row.getUUID("created_by_user_id"), row.getString("status"),
              row.getString("trace_id"), json(row.getValue("options")), json(row.getValue("loop_state")),
              row.getOffsetDateTime("created_at"));
        });
  }

  /** The thread's visible messages in the neutral chat form, oldest first. */
  Future<JsonArray> conversation(RunRow run) {
    return Conversation.visibleMessages(pool, run.orgId(), run.threadId()).map(messages -> {
      JsonArray conversation = new JsonArray();
      messages.forEach(message -> conversation.add(new JsonObject().put("role", message.role())
          .put("content", message.content())));
      return conversation;
    });
  }

  Future<List<Signal>> pendingSignals(UUID runId) {
    return pool.preparedQuery("SELECT id, type, payload FROM run_signals WHERE run_id = $1 AND consumed_at IS NULL "
            + "ORDER BY created_at")
        .execute(Tuple.of(runId))
        .map(rows -> {
          List<Signal> signals = new ArrayList<>();
          rows.forEach(row -> signals.add(new Signal(row.getUUID("id"), row.getString("type"),
              json(row.getValue("payload")))));
          return signals;
        });
  }

  /**
   * A run woken at its approval deadline is still waiting: it runs again from here, so an answer
   * that comes now is refused (409) instead of being lost.
   */
  Future<Void> markStarted(UUID runId) {
    return pool.preparedQuery("UPDATE runs SET started_at = coalesce(started_at, now()), updated_at = now(), "
            + "status = CASE WHEN status = 'waiting_for_input' THEN 'running' ELSE status END WHERE id = $1")
        .execute(Tuple.of(runId)).mapEmpty();
  }

  static Future<Void> consumeSignals(SqlConnection tx, UUID runId) {
    return tx.preparedQuery("UPDATE run_signals SET consumed_at = now() WHERE run_id = $1 AND consumed_at IS NULL")
        .execute(Tuple.of(runId)).mapEmpty();
  }

  /** The run succeeded: usage on the run, the final assistant message, the thread freed. */
  static Future<Void> complete(SqlConnection tx, RunRow run, LoopState state, ModelRoute route,
      CreditLedger.Metering metering) {
    LlmTurn.Usage usage = state.usage;
    double cost = route == null ? 0 : route.prices().cost(usage);
    Double cacheHitRate = usage.inputTokens() == 0 ? null
        : (double) usage.cacheReadTokens() / (usage.inputTokens() + usage.cacheReadTokens());
    return tx.preparedQuery("""
            UPDATE runs SET status = 'completed', model = $2, total_input_tokens = $3, total_output_tokens = $4,
              cache_read_tokens = $5, cache_write_tokens = $6, cache_hit_rate = $7, total_cost_usd = $8::numeric,
              duration_ms = (extract(epoch FROM now() - created_at) * 1000)::bigint, completed_at = now(),
              loop_state = NULL, updated_at = now()
            WHERE id = $1""")
        .execute(Tuple.of(run.id(), route == null ? null : route.model(), usage.inputTokens(), usage.outputTokens(), usage.cacheReadTokens(),
            usage.cacheWriteTokens(), cacheHitRate, cost))
        .compose(v -> CreditLedger.debitRun(tx, run.id(), metering))
        .compose(v -> Conversation.appendAssistantMessage(tx, run.orgId(), run.threadId(), run.id(),
            state.text.toString(), state.contentJson()))
        .compose(v -> release(tx, run));
  }

  static Future<Void> fail(SqlConnection tx, RunRow run, String errorClass, String message) {
    return tx.preparedQuery("""
            UPDATE runs SET status = 'failed', error_class = $2, error_message = $3, failed_at = now(),
              duration_ms = (extract(epoch FROM now() - created_at) * 1000)::bigint, loop_state = NULL, updated_at = now()
            WHERE id = $1""")
        .execute(Tuple.of(run.id(), errorClass, message))
        .compose(v -> release(tx, run));
  }

  static Future<Void> cancel(SqlConnection tx, RunRow run) {
    return tx.preparedQuery("""
            UPDATE runs SET status = 'cancelled', cancelled_at = now(),
              duration_ms = (extract(epoch FROM now() - created_at) * 1000)::bigint, loop_state = NULL, updated_at = now()
            WHERE id = $1""")
        .execute(Tuple.of(run.id()))
        .compose(v -> release(tx, run));
  }

  /** The run waits for the user: its state is saved for whichever worker resumes it. */
  static Future<Void> park(SqlConnection tx, RunRow run, LoopState state) {
    return tx.preparedQuery("UPDATE runs SET status = 'waiting_for_input', loop_state = $2, updated_at = now() "
            + "WHERE id = $1 AND status = 'running'")
        .execute(Tuple.of(run.id(), state.toJson()))
        .compose(rows -> rows.rowCount() == 1 ? consumeSignals(tx, run.id())
            : Future.failedFuture(new IllegalStateException("run is no longer running")));
  }

  private static Future<Void> release(SqlConnection tx, RunRow run) {
    return tx.preparedQuery("UPDATE threads SET active_run_id = NULL, updated_at = date_trunc('milliseconds', now()) "
            + "WHERE id = $1 AND active_run_id = $2")
        .execute(Tuple.of(run.threadId(), run.id()))
        .compose(v -> consumeSignals(tx, run.id()));
  }

  private static JsonObject json(Object value) {
    if (value == null) {
      return null;
    }
    return value instanceof JsonObject json ? json : new JsonObject(String.valueOf(value));
  }
}
