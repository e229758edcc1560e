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

  /** A run as a worker takes it up: the run, its last event's seq, its unconsumed signals, its account's balance. */
  record TakenUp(RunRow run, long lastSeq, List<Signal> signals, long balance) {}

  private static final String READ = """
      SELECT r.id, r.org_id, r.thread_id, t.project_id, r.created_by_user_id, r.status, r.trace_id, r.options,
        r.loop_state, r.created_at,
        (SELECT coalesce(max(seq), 0) FROM run_events WHERE run_id = r.id) AS last_seq,
        (SELECT json_agg(json_build_object('id', s.id, 'type', s.type, 'payload', s.payload) ORDER BY s.created_at)
         FROM run_signals s WHERE s.run_id = r.id AND s.consumed_at IS NULL) AS signals,
        coalesce((SELECT balance FROM credit_balances WHERE org_id = r.org_id), 0) AS balance
      FROM runs r JOIN threads t ON t.id = r.thread_id WHERE r.id = $1""";
  private static final String START_AND_READ = "WITH started AS (" + RunLifecycle.startUpdate("$1") + ") " + READ;

  /**
   * Reads the run as a worker takes it up, in one statement; with {@code start} the run is also marked
   * started ({@link RunLifecycle#startUpdate}). The run's fields are as they were before this start.
   * Read only after the worker listens for the run's signals: a signal stored later reaches it live.
   * Null when there is no such run.
   */
  Future<TakenUp> takeUp(UUID runId, boolean start) {
    return pool.preparedQuery(start ? START_AND_READ : READ)
        .execute(Tuple.of(runId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          RunRow run = new RunRow(row.getUUID("id"), row.getUUID("org_id"), row.getUUID("thread_id"),
              row.getUUID("project_id"), row.getUUID("created_by_user_id"), RunStatus.of(row.getString("status")),
              row.getString("trace_id"), json(row.getValue("options")), json(row.getValue("loop_state")),
              row.getOffsetDateTime("created_at"));
          List<Signal> signals = new ArrayList<>();
          Object stored = row.getValue("signals");
          if (stored != null) {
            JsonArray array = stored instanceof JsonArray json ? json : new JsonArray(String.valueOf(stored));
            for (int i = 0; i < array.size(); i++) {
              JsonObject signal = array.getJsonObject(i);
              signals.add(new Signal(UUID.fromString(signal.getString("id")), signal.getString("type"),
                  signal.getJsonObject("payload")));
            }
          }
          return new TakenUp(run, row.getLong("last_seq"), signals, row.getLong("balance"));
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
   * The run succeeded, in one statement: usage on the run, its credits debited, the final assistant
   * message, the thread freed.
   */
  static Future<Void> complete(SqlConnection tx, RunRow run, LoopState state, ModelRoute route,
      CreditLedger.Metering metering) {
    LlmTurn.Usage usage = state.usage;
    double cost = route == null ? 0 : route.prices().cost(usage);
    Double cacheHitRate = usage.inputTokens() == 0 ? null
        : (double) usage.cacheReadTokens() / (usage.inputTokens() + usage.cacheReadTokens());
    return RunLifecycle.complete(tx, run.id(), run.threadId(), new RunLifecycle.Totals(
            route == null ? null : route.model(), usage.inputTokens(), usage.outputTokens(), usage.cacheReadTokens(),
            usage.cacheWriteTokens(), cacheHitRate, cost),
        new RunLifecycle.Answer(state.text.toString(), state.contentJson()), metering);
  }

  private static JsonObject json(Object value) {
    if (value == null) {
      return null;
    }
    return value instanceof JsonObject json ? json : new JsonObject(String.valueOf(value));
  }
}
