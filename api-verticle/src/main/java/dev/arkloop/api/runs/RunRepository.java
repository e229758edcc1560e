package dev.arkloop.api.runs;

import dev.arkloop.api.http.Principal;
import dev.arkloop.common.bus.Addresses;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.common.runs.RunEvent;
import dev.arkloop.common.runs.RunEventLog;
import dev.arkloop.common.workspace.ProjectAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** Runs as the API reads and writes them. Every query is scoped to the caller's account and visibility. */
final class RunRepository {
  static final String ACTIVE = "('running', 'waiting_for_input', 'cancelling')";
  private static final String VISIBLE_THREAD = "t.org_id = $2 AND t.deleted_at IS NULL "
      + "AND (NOT t.is_private OR t.created_by_user_id = $3)";
  static final String SUMMARY = """
      SELECT r.id AS run_id, r.org_id, r.thread_id, r.status, r.model, r.persona_id, r.route_id,
             r.total_input_tokens, r.total_output_tokens, r.total_cost_usd, r.duration_ms, r.cache_hit_rate,
             r.credits_used, r.created_at, r.completed_at, r.failed_at, r.cancelled_at, r.trace_id,
             r.error_class, r.created_by_user_id, u.username AS created_by_user_name, u.email AS created_by_email
      FROM runs r JOIN threads t ON t.id = r.thread_id LEFT JOIN users u ON u.id = r.created_by_user_id""";

  /** What creating a run wrote, to publish and wake after the commit. */
  record Created(UUID runId, String traceId, UUID jobId, RunEvent started, boolean replayed) {}

  /** What a cancel did: events the API wrote itself (when no worker held the run), or a signal to send. */
  record Cancelled(boolean signalWorker, List<RunEvent> written) {}

  private final Pool pool;
  private final RunAdmission admission;
  private final int maxAttempts;

  RunRepository(Pool pool, RunAdmission admission, int maxAttempts) {
    this.pool = pool;
    this.admission = admission;
    this.maxAttempts = maxAttempts;
  }

  Pool pool() {
    return pool;
  }

  /** Creates a run on a visible thread; with {@code hideLastAnswer} first hides its last assistant message (retry). */
  Future<Created> create(Principal principal, UUID threadId, JsonObject options, String idempotencyKey,
      String requestHash, String traceId, boolean hideLastAnswer) {
    return pool.withTransaction(tx -> lockVisibleThread(tx, principal, threadId)
        .compose(v -> idempotencyKey == null ? Future.succeededFuture(null)
            : replay(tx, principal.orgId(), idempotencyKey, requestHash))
        .compose(existing -> existing != null ? Future.succeededFuture(existing)
            : activeRun(tx, threadId)
                .compose(active -> active == null ? Future.succeededFuture()
                    : Future.failedFuture(new ApiException(409, "runs.thread_busy", "the thread already has an active run",
                        new JsonObject().put("active_run_id", active.toString()))))
                .compose(v -> hideLastAnswer ? hideLastAnswer(tx, threadId) : Future.succeededFuture())
                .compose(v -> admission.admit(tx, principal.orgId()))
                .compose(v -> insert(tx, principal, threadId, options, idempotencyKey, requestHash, traceId))));
  }

  private Future<Void> lockVisibleThread(SqlConnection tx, Principal principal, UUID threadId) {
    return tx.preparedQuery("SELECT t.id, t.project_id FROM threads t WHERE t.id = $1 AND " + VISIBLE_THREAD
            + " FOR UPDATE")
        .execute(Tuple.of(threadId, principal.orgId(), principal.userId()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.notFound("threads"));
          }
          UUID projectId = rows.iterator().next().getUUID("project_id");
          return projectId == null ? Future.succeededFuture()
              : ProjectAccess.visible(tx, principal.orgId(), principal.userId(), projectId).compose(visible -> visible
                  ? Future.<Void>succeededFuture() : Future.failedFuture(projectNotVisible()));
        });
  }

  /** A shared thread in a project the caller cannot see: a run there would reach the project's files. */
  private static ApiException projectNotVisible() {
    return new ApiException(403, "auth.forbidden", "the thread's project is not visible to you",
        new JsonObject().put("reason", "project_not_visible"));
  }

  private Future<Created> replay(SqlConnection tx, UUID orgId, String key, String requestHash) {
    return tx.preparedQuery("SELECT id, trace_id, request_hash FROM runs WHERE org_id = $1 AND idempotency_key = $2")
        .execute(Tuple.of(orgId, key))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(null);
          }
          Row row = rows.iterator().next();
          if (!requestHash.equals(row.getString("request_hash"))) {
            return Future.failedFuture(new ApiException(409, "conflict",
                "Idempotency-Key was already used with a different request",
                new JsonObject().put("reason", "idempotency_key_reused")));
          }
          return Future.succeededFuture(new Created(row.getUUID("id"), row.getString("trace_id"), null, null, true));
        });
  }

  private static Future<UUID> activeRun(SqlConnection tx, UUID threadId) {
    return tx.preparedQuery("SELECT id FROM runs WHERE thread_id = $1 AND status IN " + ACTIVE)
        .execute(Tuple.of(threadId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("id"));
  }

  private static Future<Void> hideLastAnswer(SqlConnection tx, UUID threadId) {
    return tx.preparedQuery("SELECT 1 FROM messages WHERE thread_id = $1 AND role = 'user' AND NOT hidden LIMIT 1")
        .execute(Tuple.of(threadId))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new ApiException(400, "runs.invalid_state", "the thread has no message to retry"))
            : tx.preparedQuery("""
                    UPDATE messages SET hidden = true WHERE id = (
                      SELECT id FROM messages WHERE thread_id = $1 AND NOT hidden ORDER BY created_at DESC, id DESC LIMIT 1)
                    AND role = 'assistant'""")
                .execute(Tuple.of(threadId)).mapEmpty());
  }

  private Future<Created> insert(SqlConnection tx, Principal principal, UUID threadId, JsonObject options,
      String idempotencyKey, String requestHash, String traceId) {
    UUID runId = Ids.newId();
    JsonObject payload = new JsonObject().put("run_id", runId.toString()).put("thread_id", threadId.toString())
        .put("org_id", principal.orgId().toString());
    RunEvent started = RunEvent.now(runId, 1, EventTypes.STARTED, options);
    return JobQueue.enqueue(tx, Addresses.RUN_EXECUTE, 1, payload, principal.orgId(), maxAttempts)
        .compose(jobId -> tx.preparedQuery("""
                INSERT INTO runs (id, org_id, thread_id, created_by_user_id, job_id, status, route_id, persona_id, model,
                  options, trace_id, idempotency_key, request_hash)
                VALUES ($1, $2, $3, $4, $5, 'running', $6, $7, $8, $9, $10, $11, $12)""")
            .execute(Tuple.of(runId, principal.orgId(), threadId, principal.userId(), jobId,
                options.getString("route_id"), options.getString("persona_id"), options.getString("model"), options,
                traceId).addValue(idempotencyKey).addValue(requestHash))
            .compose(v -> RunEventLog.append(tx, List.of(started)))
            .compose(v -> tx.preparedQuery("UPDATE threads SET active_run_id = $2, updated_at = date_trunc('milliseconds', now()) WHERE id = $1")
                .execute(Tuple.of(threadId, runId)))
            .map(v -> new Created(runId, traceId, jobId, started, false)));
  }

  /** A run of a thread the caller can see, or 404. */
  Future<JsonObject> get(Principal principal, UUID runId) {
    return pool.preparedQuery(SUMMARY + " WHERE r.id = $1 AND " + VISIBLE_THREAD)
        .execute(Tuple.of(runId, principal.orgId(), principal.userId()))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiException.notFound("runs"))
            : Future.succeededFuture(RowJson.first(rows)));
  }

  Future<JsonArray> listOfThread(Principal principal, UUID threadId, int limit) {
    return pool.preparedQuery("SELECT t.id FROM threads t WHERE t.id = $1 AND " + VISIBLE_THREAD)
        .execute(Tuple.of(threadId, principal.orgId(), principal.userId()))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiException.notFound("threads"))
            : pool.preparedQuery("SELECT id AS run_id, status, created_at FROM runs WHERE thread_id = $1 "
                    + "ORDER BY created_at DESC, id DESC LIMIT $2")
                .execute(Tuple.of(threadId, limit)).map(RowJson::toArray));
  }

  /** The account's runs, newest first, after a keyset cursor. */
  Future<JsonArray> list(Principal principal, List<String> statuses, OffsetDateTime beforeTime, UUID beforeId,
      int limit) {
    return pool.preparedQuery(SUMMARY + " WHERE r.org_id = $1 AND t.org_id = $1 AND t.deleted_at IS NULL "
            + "AND (NOT t.is_private OR t.created_by_user_id = $2) "
            + "AND ($3::text[] IS NULL OR r.status = ANY($3)) "
            + "AND ($4::timestamptz IS NULL OR (r.created_at, r.id) < ($4, $5)) "
            + "ORDER BY r.created_at DESC, r.id DESC LIMIT $6")
        .execute(Tuple.of(principal.orgId(), principal.userId(),
            statuses == null ? null : statuses.toArray(String[]::new), beforeTime, beforeId, limit))
        .map(RowJson::toArray);
  }

  /** A page of the account's runs by offset, newest first, with the total that match: {@code {data, total}}. */
  Future<JsonObject> search(Principal principal, RunSearch search) {
    return pool.preparedQuery("SELECT count(*) OVER () AS total_matching, s.* FROM (" + SUMMARY
            + " WHERE r.org_id = $1 AND t.org_id = $1 AND t.deleted_at IS NULL "
            + "AND (NOT t.is_private OR t.created_by_user_id = $2) "
            + "AND ($3::text IS NULL OR r.id::text LIKE $3 || '%') AND ($4::uuid IS NULL OR r.thread_id = $4) "
            + "AND ($5::uuid IS NULL OR r.created_by_user_id = $5) AND ($6::text IS NULL OR r.model = $6) "
            + "AND ($7::text IS NULL OR r.persona_id = $7) AND ($8::text IS NULL OR r.status = $8) "
            + "AND ($9::timestamptz IS NULL OR r.created_at >= $9) AND ($10::timestamptz IS NULL OR r.created_at < $10)"
            + ") s ORDER BY s.created_at DESC, s.run_id DESC OFFSET $11 LIMIT $12")
        .execute(Tuple.from(new Object[] {principal.orgId(), principal.userId(), search.runIdPrefix(),
            search.threadId(), search.userId(), search.model(), search.personaId(), search.status(), search.since(),
            search.until(), search.offset(), search.limit()}))
        .compose(rows -> {
          JsonArray data = new JsonArray();
          long total = 0;
          for (Row row : rows) {
            total = row.getLong("total_matching");
            JsonObject run = RowJson.toJson(row);
            run.remove("total_matching");
            data.add(run);
          }
          // past the end there is no row to carry the count
          return rows.size() > 0 || search.offset() == 0 ? Future.succeededFuture(new JsonObject().put("data", data)
              .put("total", total)) : search(principal, new RunSearch(search.runIdPrefix(), search.threadId(),
                  search.userId(), search.model(), search.personaId(), search.status(), search.since(),
                  search.until(), 0, 1)).map(first -> first.put("data", new JsonArray()));
        });
  }

  /**
   * Requests cancellation. Terminal or already-cancelling runs are left alone. When no live worker
   * holds the run's job (still queued, parked for input, or its worker's lease expired), the API takes
   * the job and writes the end itself, as the run's single writer; otherwise the worker is signalled.
   */
  Future<Cancelled> cancel(Principal principal, UUID runId, String traceId) {
    return pool.withTransaction(tx -> lockVisibleRun(tx, principal, runId)
        .compose(run -> cancelLocked(tx, run, runId, principal.userId(), traceId)));
  }

  /** Cancels any account's run, as a platform admin does; null when the run does not exist. */
  Future<Cancelled> cancelAny(UUID runId, UUID requestedBy, String traceId) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT status, job_id, thread_id FROM runs WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(runId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(null)
            : cancelLocked(tx, rows.iterator().next(), runId, requestedBy, traceId)));
  }

  /** The user's runs that have not ended. */
  Future<List<UUID>> activeRunsOf(UUID userId) {
    return pool.preparedQuery("SELECT id FROM runs WHERE created_by_user_id = $1 AND status IN " + ACTIVE)
        .execute(Tuple.of(userId))
        .map(rows -> {
          List<UUID> ids = new java.util.ArrayList<>();
          rows.forEach(row -> ids.add(row.getUUID("id")));
          return ids;
        });
  }

  private static Future<Cancelled> cancelLocked(SqlConnection tx, Row run, UUID runId, UUID requestedBy,
      String traceId) {
    String status = run.getString("status");
    if (!status.equals("running") && !status.equals("waiting_for_input")) {
      return Future.succeededFuture(new Cancelled(false, List.of()));
    }
    JsonObject request = new JsonObject().put("trace_id", traceId)
        .put("requested_by_user_id", requestedBy.toString());
    UUID jobId = run.getUUID("job_id");
    return tx.preparedQuery("UPDATE runs SET status = 'cancelling', updated_at = now() WHERE id = $1")
        .execute(Tuple.of(runId))
        .compose(v -> tx.preparedQuery("INSERT INTO run_signals (id, run_id, type, payload) VALUES ($1, $2, 'cancel', $3)")
            .execute(Tuple.of(Ids.newId(), runId, request)))
        .compose(v -> tx.preparedQuery("SELECT id FROM jobs WHERE id = $1 AND (status IN ('queued', 'parked') "
                + "OR (status = 'leased' AND lease_expires_at < now())) FOR UPDATE SKIP LOCKED")
            .execute(Tuple.of(jobId)))
        .compose(job -> job.size() == 0 ? Future.succeededFuture(new Cancelled(true, List.of()))
            : finishCancelled(tx, runId, jobId, run.getUUID("thread_id"), request));
  }

  /** Locks a run of a thread the caller can see (404 otherwise) for the rest of the transaction. */
  private static Future<Row> lockVisibleRun(SqlConnection tx, Principal principal, UUID runId) {
    return tx.preparedQuery("SELECT r.status, r.job_id, r.thread_id, r.loop_state->>'awaiting_call_id' AS awaiting_call_id FROM runs r "
            + "JOIN threads t ON t.id = r.thread_id WHERE r.id = $1 AND " + VISIBLE_THREAD + " FOR UPDATE OF r")
        .execute(Tuple.of(runId, principal.orgId(), principal.userId()))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(ApiException.notFound("runs"))
            : Future.succeededFuture(rows.iterator().next()));
  }

  private static Future<Cancelled> finishCancelled(SqlConnection tx, UUID runId, UUID jobId, UUID threadId,
      JsonObject request) {
    return RunEventLog.lastSeq(tx, runId).compose(last -> {
      List<RunEvent> events = List.of(
          RunEvent.now(runId, last + 1, EventTypes.CANCEL_REQUESTED, request),
          RunEvent.now(runId, last + 2, EventTypes.CANCELLED, new JsonObject()));
      return RunEventLog.append(tx, events)
          .compose(v -> tx.preparedQuery("""
                  UPDATE runs SET status = 'cancelled', cancelled_at = now(), loop_state = NULL,
                    duration_ms = (extract(epoch FROM now() - created_at) * 1000)::bigint, updated_at = now()
                  WHERE id = $1""").execute(Tuple.of(runId)))
          .compose(v -> tx.preparedQuery("UPDATE jobs SET status = 'done', lease_token = NULL, lease_expires_at = NULL, "
              + "updated_at = now() WHERE id = $1").execute(Tuple.of(jobId)))
          .compose(v -> tx.preparedQuery("UPDATE threads SET active_run_id = NULL, updated_at = date_trunc('milliseconds', now()) "
              + "WHERE id = $1 AND active_run_id = $2").execute(Tuple.of(threadId, runId)))
          .compose(v -> tx.preparedQuery("UPDATE run_signals SET consumed_at = now() WHERE run_id = $1 "
              + "AND consumed_at IS NULL").execute(Tuple.of(runId)))
          .map(v -> new Cancelled(false, events));
    });
  }

  /** Hands the user's answer to a run waiting for input, and requeues its job. Returns the job id. */
  Future<UUID> provideInput(Principal principal, UUID runId, String content, String requestId, String traceId) {
    return pool.withTransaction(tx -> lockVisibleRun(tx, principal, runId)
        .compose(run -> {
          if (!"waiting_for_input".equals(run.getString("status"))) {
            return Future.failedFuture(new ApiException(409, "runs.not_active", "the run is not waiting for input",
                new JsonObject().put("status", run.getString("status"))));
          }
          // the original clients answer a run.input_requested by its request_id: it must be the open one
          if (requestId != null && !requestId.equals(run.getString("awaiting_call_id"))) {
            return Future.failedFuture(new ApiException(409, "runs.input_request_mismatch",
                "the run is not waiting for that input request", new JsonObject().put("field", "request_id")));
          }
          UUID jobId = run.getUUID("job_id");
          return tx.preparedQuery("INSERT INTO run_signals (id, run_id, type, payload) VALUES ($1, $2, 'input', $3)")
              .execute(Tuple.of(Ids.newId(), runId, new JsonObject().put("content", content).put("trace_id", traceId)))
              .compose(v -> tx.preparedQuery("UPDATE runs SET status = 'running', updated_at = now() WHERE id = $1")
                  .execute(Tuple.of(runId)))
              // a job parked with a deadline (a tool approval) waits as queued with a later run_after
              .compose(v -> tx.preparedQuery("UPDATE jobs SET status = 'queued', run_after = now(), updated_at = now() "
                  + "WHERE id = $1 AND status IN ('parked', 'queued')").execute(Tuple.of(jobId)))
              .map(jobId);
        }));
  }

  /** Whether the run (visible to the caller) has ended; 404 otherwise. */
  Future<Boolean> finished(Principal principal, UUID runId) {
    return pool.preparedQuery("SELECT r.status FROM runs r JOIN threads t ON t.id = r.thread_id "
            + "WHERE r.id = $1 AND " + VISIBLE_THREAD)
        .execute(Tuple.of(runId, principal.orgId(), principal.userId()))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(ApiException.notFound("runs"));
          }
          String status = rows.iterator().next().getString("status");
          return Future.succeededFuture(status.equals("completed") || status.equals("failed")
              || status.equals("cancelled"));
        });
  }
}
