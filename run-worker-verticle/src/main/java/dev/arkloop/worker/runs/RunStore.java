package dev.arkloop.worker.runs;

import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.runs.RunLifecycle;
import dev.arkloop.common.runs.RunStatus;
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
  record RunRow(UUID id, UUID orgId, UUID threadId, UUID projectId, UUID createdBy, RunStatus status,
      String traceId, JsonObject options, JsonObject loopState, OffsetDateTime createdAt) {

    boolean terminal() {
      return status.terminal();
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
              row.getUUID("project_id"), row.getUUID("created_by_user_id"), RunStatus.of(row.getString("status")),
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

  Future<Void> markStarted(UUID runId) {
    return RunLifecycle.start(pool, runId);
  }

  /** The run succeeded: usage on the run, its credits debited, the final assistant message, the thread freed. */
  static Future<Void> complete(SqlConnection tx, RunRow run, LoopState state, ModelRoute route, 
      CreditLedger.Metering metering) {
    LlmTurn.Usage usage = state.usage;
    double cost = route == null ? 0 : route.prices().cost(usage);
    Double cacheHitRate = usage.inputTokens() == 0 ? null
        : (double) usage.cacheReadTokens() / (usage.inputTokens() + usage.cacheReadTokens());
    return RunLifecycle.complete(tx, run.id(), run.threadId(), new RunLifecycle.Totals(
            route == null ? null : route.model(), usage.inputTokens(), usage.outputTokens(), usage.cacheReadTokens(),
            usage.cacheWriteTokens(), cacheHitRate, cost))
        .compose(v -> CreditLedger.debitRun(tx, run.id(), metering))
        .compose(v -> Conversation.appendAssistantMessage(tx, run.orgId(), run.threadId(), run.id(),
            state.text.toString(), state.contentJson()))
        .mapEmpty();
  }

  private static JsonObject json(Object value) {
    if (value == null) {
      return null;
    }
    return value instanceof JsonObject json ? json : new JsonObject(String.valueOf(value));
  }
}
