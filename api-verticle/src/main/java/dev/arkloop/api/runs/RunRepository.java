package dev.arkloop.api.runs;

import dev.arkloop.api.http.Principal;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.runs.EventPayloads;
import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.common.runs.RunEvent;
import dev.arkloop.common.runs.RunEventLog;
import dev.arkloop.common.runs.RunLifecycle;
import dev.arkloop.common.runs.RunStatus;
import dev.arkloop.common.workspace.ProjectAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Runs as the API reads and writes them. Every query is scoped to the caller's account and visibility;
 * status changes go through {@link RunLifecycle}. Refusals are {@link DomainException}s.
 */
final class RunRepository {
  /** The thread (alias {@code t}) is the caller's account's, not deleted, and not someone else's private one. */
  private static final String VISIBLE_THREAD = "t.org_id = #{org_id} AND t.deleted_at IS NULL "
      + "AND (NOT t.is_private OR t.created_by_user_id = #{user_id})";
  static final String SUMMARY = """
      SELECT r.id AS run_id, r.org_id, r.thread_id, r.status, r.model, r.persona_id, r.route_id,
             r.total_input_tokens, r.total_output_tokens, r.total_cost_usd, r.duration_ms, r.cache_hit_rate,
             r.credits_used, r.created_at, r.completed_at, r.failed_at, r.cancelled_at, r.trace_id,
             r.error_class, r.created_by_user_id, u.username AS created_by_user_name, u.email AS created_by_email
      FROM runs r JOIN threads t ON t.id = r.thread_id LEFT JOIN users u ON u.id = r.created_by_user_id""";

  /**
   * What creating a run wrote: {@code afterCommit} is null when an Idempotency-Key replayed an
   * earlier run, and nothing new was written.
   */
  record Created(UUID runId, String traceId, AfterCommit afterCommit) {}

  /**
   * What the committed change asks of the node: events to publish to Redis, a job to wake, a cancel
   * signal to send to the worker holding the run. Each may be empty.
   */
  record AfterCommit(UUID runId, List<RunEvent> publish, UUID wakeJob, JsonObject cancelSignal) {
    static final AfterCommit NOTHING = new AfterCommit(null, List.of(), null, null);
  }

  private final Pool pool;
  private final RunAdmission admission;
  private final int maxAttempts;

  RunRepository(Pool pool, RunAdmission admission, int maxAttempts) {
    this.pool = pool;
    this.admission = admission;
    this.maxAttempts = maxAttempts;
  }

  /** Named parameters for {@link #VISIBLE_THREAD}, plus the query's own. */
  private static Map<String, Object> visibleTo(Principal principal) {
    Map<String, Object> params = new HashMap<>();
    params.put("org_id", principal.orgId());
    params.put("user_id", principal.userId());
    return params;
  }

  private static Map<String, Object> visibleTo(Principal principal, String name, Object value) {
    Map<String, Object> params = visibleTo(principal);
    params.put(name, value);
    return params;
  }

  /**
   * Creates a run on a visible thread; with {@code hideLastAnswer} first hides its last assistant
   * message (retry). The thread's row and the account's lock are taken by the first statement; the
   * thread's and the account's checks and every write of the creation are then one statement
   * ({@link RunLifecycle#create}).
   */
  Future<Created> create(Principal principal, UUID threadId, JsonObject options, String idempotencyKey,
      String requestHash, String traceId, boolean hideLastAnswer) {
    return admission.prepare(principal.orgId()).compose(limits -> pool.withTransaction(tx ->
        lockVisibleThread(tx, principal, threadId)
        .compose(v -> idempotencyKey == null ? Future.succeededFuture(null)
            : replay(tx, principal.orgId(), idempotencyKey, requestHash))
        .compose(existing -> existing != null ? Future.succeededFuture(existing)
            : (hideLastAnswer ? refuseBusy(tx, threadId).compose(v -> hideLastAnswer(tx, threadId))
                : Future.<Void>succeededFuture())
                .compose(v -> RunLifecycle.create(tx, new RunLifecycle.NewRun(principal.orgId(), threadId,
                    principal.userId(), options, traceId, idempotencyKey, requestHash), maxAttempts, limits))
                .map(created -> new Created(created.runId(), traceId, new AfterCommit(created.runId(),
                    List.of(created.started()), created.jobId(), null))))));
  }

  /**
   * Locks the thread if the caller can see it, and with it the account's run creations ({@link
   * RunLifecycle#accountLock}, taken here so that the creating statement that follows sees every run
   * committed before it).
   */
  private Future<Void> lockVisibleThread(SqlConnection tx, Principal principal, UUID threadId) {
    return SqlTemplate.forQuery(tx, "SELECT t.id, t.project_id, " + RunLifecycle.accountLock("t.org_id::text")
            + " FROM threads t WHERE t.id = #{thread_id} AND " + VISIBLE_THREAD + " FOR UPDATE")
        .execute(visibleTo(principal, "thread_id", threadId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(DomainException.notFound("threads"));
          }
          UUID projectId = rows.iterator().next().getUUID("project_id");
          return projectId == null ? Future.succeededFuture()
              : ProjectAccess.visible(tx, principal.orgId(), principal.userId(), projectId).compose(visible -> visible
                  ? Future.<Void>succeededFuture() : Future.failedFuture(projectNotVisible()));
        });
  }

  /** A shared thread in a project the caller cannot see: a run there would reach the project's files. */
  private static DomainException projectNotVisible() {
    return DomainException.forbidden("project_not_visible", "the thread's project is not visible to you");
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
            return Future.failedFuture(new DomainException(DomainException.Kind.CONFLICT, "conflict",
                "Idempotency-Key was already used with a different request",
                new JsonObject().put("reason", "idempotency_key_reused")));
          }
          return Future.succeededFuture(new Created(row.getUUID("id"), row.getString("trace_id"), null));
        });
  }

  /** A retry on a busy thread is refused before anything is hidden, as the creating statement would refuse it. */
  private static Future<Void> refuseBusy(SqlConnection tx, UUID threadId) {
    return tx.preparedQuery("SELECT id FROM runs WHERE thread_id = $1 AND status IN " + RunStatus.ACTIVE_SQL)
        .execute(Tuple.of(threadId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture()
            : Future.failedFuture(RunLifecycle.threadBusy(rows.iterator().next().getUUID("id"))));
  }

  private static Future<Void> hideLastAnswer(SqlConnection tx, UUID threadId) {
    return tx.preparedQuery("SELECT 1 FROM messages WHERE thread_id = $1 AND role = 'user' AND NOT hidden LIMIT 1")
        .execute(Tuple.of(threadId))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(new DomainException(DomainException.Kind.INVALID, "runs.invalid_state",
                "the thread has no message to retry", null))
            : tx.preparedQuery("""
                    UPDATE messages SET hidden = true WHERE id = (
                      SELECT id FROM messages WHERE thread_id = $1 AND NOT hidden ORDER BY created_at DESC, id DESC LIMIT 1)
                    AND role = 'assistant'""")
                .execute(Tuple.of(threadId)).mapEmpty());
  }

  /** A run of a thread the caller can see, or 404. */
  Future<JsonObject> get(Principal principal, UUID runId) {
    return SqlTemplate.forQuery(pool, SUMMARY + " WHERE r.id = #{run_id} AND " + VISIBLE_THREAD)
        .execute(visibleTo(principal, "run_id", runId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(DomainException.notFound("runs"))
            : Future.succeededFuture(RowJson.first(rows)));
  }

  Future<JsonArray> listOfThread(Principal principal, UUID threadId, int limit) {
    return SqlTemplate.forQuery(pool, "SELECT t.id FROM threads t WHERE t.id = #{thread_id} AND " + VISIBLE_THREAD)
        .execute(visibleTo(principal, "thread_id", threadId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(DomainException.notFound("threads"))
            : pool.preparedQuery("SELECT id AS run_id, status, created_at FROM runs WHERE thread_id = $1 "
                    + "ORDER BY created_at DESC, id DESC LIMIT $2")
                .execute(Tuple.of(threadId, limit)).map(RowJson::toArray));
  }

  /** The account's runs, newest first, after a keyset cursor. */
  Future<JsonArray> list(Principal principal, RunStatus status, OffsetDateTime beforeTime, UUID beforeId,
      int limit) {
    Map<String, Object> params = visibleTo(principal);
    params.put("status", status == null ? null : status.wire());
    params.put("before_time", beforeTime);
    params.put("before_id", beforeId);
    params.put("limit", limit);
    return SqlTemplate.forQuery(pool, SUMMARY + " WHERE r.org_id = #{org_id} AND " + VISIBLE_THREAD
            + " AND (#{status}::text IS NULL OR r.status = #{status}) "
            + "AND (#{before_time}::timestamptz IS NULL OR (r.created_at, r.id) < (#{before_time}, #{before_id})) "
            + "ORDER BY r.created_at DESC, r.id DESC LIMIT #{limit}")
        .execute(params)
        .map(RowJson::toArray);
  }

  /** A page of the account's runs by offset, newest first, with the total that match: {@code {data, total}}. */
  Future<JsonObject> search(Principal principal, RunSearch search) {
    Map<String, Object> params = visibleTo(principal);
    params.put("run_id_prefix", search.runIdPrefix());
    params.put("thread_id", search.threadId());
    params.put("user_id_filter", search.userId());
    params.put("model", search.model());
    params.put("persona_id", search.personaId());
    params.put("status", search.status());
    params.put("since", search.since());
    params.put("until", search.until());
    params.put("offset", search.offset());
    params.put("limit", search.limit());
    return SqlTemplate.forQuery(pool, "SELECT count(*) OVER () AS total_matching, s.* FROM (" + SUMMARY
            + " WHERE r.org_id = #{org_id} AND " + VISIBLE_THREAD
            + " AND (#{run_id_prefix}::text IS NULL OR r.id::text LIKE #{run_id_prefix} || '%') "
            + "AND (#{thread_id}::uuid IS NULL OR r.thread_id = #{thread_id}) "
            + "AND (#{user_id_filter}::uuid IS NULL OR r.created_by_user_id = #{user_id_filter}) "
            + "AND (#{model}::text IS NULL OR r.model = #{model}) "
            + "AND (#{persona_id}::text IS NULL OR r.persona_id = #{persona_id}) "
            + "AND (#{status}::text IS NULL OR r.status = #{status}) "
            + "AND (#{since}::timestamptz IS NULL OR r.created_at >= #{since}) "
            + "AND (#{until}::timestamptz IS NULL OR r.created_at < #{until})"
            + ") s ORDER BY s.created_at DESC, s.run_id DESC OFFSET #{offset} LIMIT #{limit}")
        .execute(params)
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
  Future<AfterCommit> cancel(Principal principal, UUID runId, String traceId) {
    return pool.withTransaction(tx -> lockVisibleRun(tx, principal, runId)
        .compose(run -> cancelLocked(tx, run, runId, principal.userId(), traceId)));
  }

  /** Cancels any account's run, as a platform admin does; nothing when the run does not exist. */
  Future<AfterCommit> cancelAny(UUID runId, UUID requestedBy, String traceId) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT status, job_id, thread_id FROM runs WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(runId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(AfterCommit.NOTHING)
            : cancelLocked(tx, rows.iterator().next(), runId, requestedBy, traceId)));
  }

  /** The user's runs that have not ended. */
  Future<List<UUID>> activeRunsOf(UUID userId) {
    return pool.preparedQuery("SELECT id FROM runs WHERE created_by_user_id = $1 AND status IN " + RunStatus.ACTIVE_SQL)
        .execute(Tuple.of(userId))
        .map(rows -> {
          List<UUID> ids = new ArrayList<>();
          rows.forEach(row -> ids.add(row.getUUID("id")));
          return ids;
        });
  }

  private static Future<AfterCommit> cancelLocked(SqlConnection tx, Row run, UUID runId, UUID requestedBy,
      String traceId) {
    if (!RunStatus.of(run.getString("status")).canMoveTo(RunStatus.CANCELLING)) {
      return Future.succeededFuture(AfterCommit.NOTHING);
    }
    JsonObject request = EventPayloads.cancelRequested(traceId, requestedBy);
    UUID jobId = run.getUUID("job_id");
    return RunLifecycle.requestCancel(tx, runId, request)
        .compose(v -> JobQueue.takeIdle(tx, jobId))
        .compose(idle -> idle ? finishCancelled(tx, runId, jobId, run.getUUID("thread_id"), request)
            : Future.succeededFuture(new AfterCommit(runId, List.of(), null, request)));
  }

  /** Locks a run of a thread the caller can see (404 otherwise) for the rest of the transaction. */
  private static Future<Row> lockVisibleRun(SqlConnection tx, Principal principal, UUID runId) {
    return SqlTemplate.forQuery(tx, "SELECT r.status, r.job_id, r.thread_id, "
            + "r.loop_state->>'awaiting_call_id' AS awaiting_call_id FROM runs r "
            + "JOIN threads t ON t.id = r.thread_id WHERE r.id = #{run_id} AND " + VISIBLE_THREAD + " FOR UPDATE OF r")
        .execute(visibleTo(principal, "run_id", runId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(DomainException.notFound("runs"))
            : Future.succeededFuture(rows.iterator().next()));
  }

  /** No worker holds the run: the API writes its end, as its writer for this transaction. */
  private static Future<AfterCommit> finishCancelled(SqlConnection tx, UUID runId, UUID jobId, UUID threadId,
      JsonObject request) {
    return RunEventLog.lastSeq(tx, runId).compose(last -> {
      List<RunEvent> events = List.of(
          RunEvent.now(runId, last + 1, EventTypes.CANCEL_REQUESTED, request),
          RunEvent.now(runId, last + 2, EventTypes.CANCELLED, EventPayloads.cancelled()));
      return RunEventLog.append(tx, events)
          .compose(v -> RunLifecycle.cancel(tx, runId, threadId))
          .compose(v -> JobQueue.closeTaken(tx, jobId))
          .map(v -> new AfterCommit(runId, events, null, null));
    });
  }

  /** Hands the user's answer to a run waiting for input, and requeues its job. */
  Future<AfterCommit> provideInput(Principal principal, UUID runId, String content, String requestId,
      String traceId) {
    return pool.withTransaction(tx -> lockVisibleRun(tx, principal, runId)
        .compose(run -> {
          RunStatus status = RunStatus.of(run.getString("status"));
          if (!status.canMoveTo(RunStatus.RUNNING)) {
            return Future.failedFuture(new DomainException(DomainException.Kind.CONFLICT, "runs.not_active",
                "the run is not waiting for input", new JsonObject().put("status", status.wire())));
          }
          // the original clients answer a run.input_requested by its request_id: it must be the open one
          if (requestId != null && !requestId.equals(run.getString("awaiting_call_id"))) {
            return Future.failedFuture(new DomainException(DomainException.Kind.CONFLICT,
                "runs.input_request_mismatch", "the run is not waiting for that input request",
                new JsonObject().put("field", "request_id")));
          }
          UUID jobId = run.getUUID("job_id");
          return RunLifecycle.resume(tx, runId, jobId, new JsonObject().put("content", content)
                  .put("trace_id", traceId))
              .map(v -> new AfterCommit(runId, List.of(), jobId, null));
        }));
  }

  /** The run's status (visible to the caller); 404 otherwise. */
  Future<RunStatus> status(Principal principal, UUID runId) {
    return SqlTemplate.forQuery(pool, "SELECT r.status FROM runs r JOIN threads t ON t.id = r.thread_id "
            + "WHERE r.id = #{run_id} AND " + VISIBLE_THREAD)
        .execute(visibleTo(principal, "run_id", runId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(DomainException.notFound("runs"))
            : Future.succeededFuture(RunStatus.of(rows.iterator().next().getString("status"))));
  }
}
