package dev.arkloop.common.runs;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.db.Pools;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Every run transition against a real PostgreSQL: the allowed ones write, the others are refused and write nothing. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RunLifecycleTest {
  private Pool pool;
  private UUID orgId;

  /** Each move as the API or the worker asks for it. */
  private static final Map<String, BiFunction<SqlConnection, RunLifecycle.Created, Future<Void>>> MOVES = Map.of(
      "park", (tx, run) -> RunLifecycle.park(tx, run.runId(), new JsonObject().put("segment", 1)),
      "resume", (tx, run) -> RunLifecycle.resume(tx, run.runId(), run.jobId(), new JsonObject().put("content", "yes")),
      "requestCancel", (tx, run) -> RunLifecycle.requestCancel(tx, run.runId(), new JsonObject()),
      "complete", (tx, run) -> RunLifecycle.complete(tx, run.runId(), threadOf(tx, run), totals(), null, null),
      "fail", (tx, run) -> RunLifecycle.fail(tx, run.runId(), threadOf(tx, run), "internal.error", "boom"),
      "cancel", (tx, run) -> RunLifecycle.cancel(tx, run.runId(), threadOf(tx, run)));

  private static UUID threadOf(SqlConnection tx, RunLifecycle.Created run) {
    return UUID.fromString(run.started().data().getString("thread_id"));
  }

  private static RunLifecycle.Totals totals() {
    return new RunLifecycle.Totals("m-1", 20, 7, 0, 0, null, 0.068);
  }

  @BeforeEach
  void setUp(Vertx vertx) {
    pool = Pools.create(vertx, TestInfra.get().newDatabase(), 4);
    orgId = Ids.newId();
    await(pool.preparedQuery("INSERT INTO orgs (id, slug, name, type) VALUES ($1, $2, 'Lifecycle', 'personal')")
        .execute(Tuple.of(orgId, "lc-" + Ids.randomHex(4))));
  }

  /** A new running run on a new thread; the thread id rides in the options so each move can find it. */
  private RunLifecycle.Created create() {
    UUID threadId = Ids.newId();
    await(pool.preparedQuery("INSERT INTO threads (id, org_id, title) VALUES ($1, $2, 't')")
        .execute(Tuple.of(threadId, orgId)));
    return await(pool.withTransaction(tx -> RunLifecycle.create(tx, new RunLifecycle.NewRun(orgId, threadId, null,
        new JsonObject().put("thread_id", threadId.toString()), "trace-1", null, null), 3, RunLifecycle.Admission.NONE)));
  }

  private Future<Void> move(String name, RunLifecycle.Created run) {
    return pool.withTransaction(tx -> MOVES.get(name).apply(tx, run));
  }

  private Row run(UUID runId) {
    return await(pool.preparedQuery("SELECT r.*, t.active_run_id, j.status AS job_status, "
            + "(SELECT count(*) FROM run_signals s WHERE s.run_id = r.id) AS signals, "
            + "(SELECT count(*) FROM run_signals s WHERE s.run_id = r.id AND s.consumed_at IS NULL) AS open_signals "
            + "FROM runs r JOIN threads t ON t.id = r.thread_id JOIN jobs j ON j.id = r.job_id WHERE r.id = $1")
        .execute(Tuple.of(runId))).iterator().next();
  }

  private RunStatus status(RunLifecycle.Created run) {
    return RunStatus.of(run(run.runId()).getString("status"));
  }

  /** Puts the run in {@code status} by the allowed path. */
  private RunLifecycle.Created runIn(RunStatus status) {
    RunLifecycle.Created run = create();
    switch (status) {
      case RUNNING -> { }
      case WAITING_FOR_INPUT -> await(move("park", run));
      case CANCELLING -> await(move("requestCancel", run));
      case COMPLETED -> await(move("complete", run));
      case FAILED -> await(move("fail", run));
      case CANCELLED -> await(move("cancel", run));
    }
    assertEquals(status, status(run));
    return run;
  }

  @Test
  void createTakesTheThreadQueuesTheJobAndWritesRunStarted() {
    RunLifecycle.Created run = create();
    Row row = run(run.runId());
    assertEquals("running", row.getString("status"));
    assertEquals(run.runId(), row.getUUID("active_run_id"));
    assertEquals("queued", row.getString("job_status"));
    List<RunEvent> events = await(RunEventLog.read(pool, run.runId(), 0, 10));
    assertEquals(1, events.size());
    assertEquals(EventTypes.STARTED, events.get(0).type());
    assertEquals(run.started().data(), events.get(0).data());
  }

  @Test
  void aRunParksResumesAndIsCancelled() {
    RunLifecycle.Created run = create();
    await(move("park", run));
    Row parked = run(run.runId());
    assertEquals("waiting_for_input", parked.getString("status"));
    assertEquals(1, ((JsonObject) parked.getValue("loop_state")).getInteger("segment"));

    await(move("resume", run));
    Row resumed = run(run.runId());
    assertEquals("running", resumed.getString("status"));
    assertEquals("queued", resumed.getString("job_status"));
    assertEquals(1, resumed.getLong("open_signals"));

    await(move("requestCancel", run));
    assertEquals(RunStatus.CANCELLING, status(run));
    assertEquals(2, run(run.runId()).getLong("open_signals"));

    await(move("cancel", run));
    Row cancelled = run(run.runId());
    assertEquals("cancelled", cancelled.getString("status"));
    assertNotNull(cancelled.getValue("cancelled_at"));
    assertNotNull(cancelled.getLong("duration_ms"));
    assertNull(cancelled.getValue("loop_state"));
    assertNull(cancelled.getUUID("active_run_id"), "the thread is released");
    assertEquals(0, cancelled.getLong("open_signals"), "the signals are spent");
  }

  @Test
  void completingWritesTheTotals() {
    RunLifecycle.Created run = runIn(RunStatus.COMPLETED);
    Row row = run(run.runId());
    assertEquals("m-1", row.getString("model"));
    assertEquals(20, row.getLong("total_input_tokens"));
    assertEquals(7, row.getLong("total_output_tokens"));
    assertEquals(0, new java.math.BigDecimal("0.068").compareTo(row.getBigDecimal("total_cost_usd")));
    assertNotNull(row.getValue("completed_at"));
  }

  @Test
  void aWaitingRunTakenUpByAWorkerRunsAgain() {
    RunLifecycle.Created run = runIn(RunStatus.WAITING_FOR_INPUT);
    await(RunLifecycle.start(pool, run.runId()));
    assertEquals(RunStatus.RUNNING, status(run));
    assertNotNull(run(run.runId()).getValue("started_at"));
  }

  @Test
  void everyMoveTheStatusDoesNotAllowIsRefusedAndWritesNothing() {
    int refused = 0;
    for (RunStatus from : RunStatus.values()) {
      for (String name : MOVES.keySet()) {
        RunStatus to = target(name);
        if (from.canMoveTo(to)) {
          continue;
        }
        RunLifecycle.Created run = runIn(from);
        Row before = run(run.runId());
        Throwable failure = assertThrows(Throwable.class, () -> await(move(name, run)), name + " from " + from);
        DomainException domain = assertInstanceOf(DomainException.class, rootCause(failure), failure.toString());
        assertEquals("runs.invalid_transition", domain.code());
        Row after = run(run.runId());
        assertEquals(from.wire(), after.getString("status"), name + " from " + from);
        assertEquals(before.getLong("signals"), after.getLong("signals"), name + " from " + from);
        assertEquals(before.getString("job_status"), after.getString("job_status"), name + " from " + from);
        assertEquals(before.getUUID("active_run_id"), after.getUUID("active_run_id"), name + " from " + from);
        refused++;
      }
    }
    // terminal statuses refuse all six moves; running refuses resume; waiting refuses park; cancelling refuses
    // park, resume and another cancel request
    assertEquals(3 * 6 + 1 + 1 + 3, refused);
  }

  private long count(String sql, Object... params) {
    return await(pool.preparedQuery(sql).execute(Tuple.wrap(params))).iterator().next().getLong(0);
  }

  private DomainException refusedCreate(UUID threadId, RunLifecycle.Admission admission) {
    Throwable failure = assertThrows(Throwable.class, () -> await(pool.withTransaction(tx -> RunLifecycle.create(tx,
        new RunLifecycle.NewRun(orgId, threadId, null, new JsonObject(), "trace-2", null, null), 3, admission))));
    return assertInstanceOf(DomainException.class, rootCause(failure), failure.toString());
  }

  @Test
  void aRefusedCreationWritesNothingAndSaysWhy() {
    RunLifecycle.Created first = create();
    UUID threadId = UUID.fromString(first.started().data().getString("thread_id"));
    long jobs = count("SELECT count(*) FROM jobs WHERE org_id = $1", orgId);

    DomainException busy = refusedCreate(threadId, RunLifecycle.Admission.NONE);
    assertEquals("runs.thread_busy", busy.code());
    assertEquals(first.runId().toString(), busy.details().getString("active_run_id"));

    UUID freeThread = Ids.newId();
    await(pool.preparedQuery("INSERT INTO threads (id, org_id, title) VALUES ($1, $2, 't')")
        .execute(Tuple.of(freeThread, orgId)));
    DomainException broke = refusedCreate(freeThread, new RunLifecycle.Admission(true, 0, 0, 0));
    assertEquals(DomainException.Kind.PAYMENT_REQUIRED, broke.kind());
    assertEquals("credits.exhausted", broke.code());
    assertEquals(0L, broke.details().getLong("balance"));

    await(pool.preparedQuery("INSERT INTO credit_balances (org_id, balance) VALUES ($1, 50)").execute(Tuple.of(orgId)));
    DomainException crowded = refusedCreate(freeThread, new RunLifecycle.Admission(true, 1, 0, 0));
    assertEquals(DomainException.Kind.LIMITED, crowded.kind());
    assertEquals("runs.concurrency", crowded.details().getString("reason"));
    DomainException monthly = refusedCreate(freeThread, new RunLifecycle.Admission(true, 2, 1, 0));
    assertEquals("quota.runs_per_month", monthly.details().getString("reason"));
    await(pool.preparedQuery("UPDATE runs SET total_input_tokens = 30 WHERE id = $1").execute(Tuple.of(first.runId())));
    DomainException tokens = refusedCreate(freeThread, new RunLifecycle.Admission(true, 2, 2, 30));
    assertEquals("quota.tokens_per_month", tokens.details().getString("reason"));

    assertEquals(jobs, count("SELECT count(*) FROM jobs WHERE org_id = $1", orgId));
    assertEquals(1, count("SELECT count(*) FROM runs WHERE org_id = $1", orgId));
    assertEquals(0, count("SELECT count(*) FROM threads WHERE id = $1 AND active_run_id IS NOT NULL", freeThread));

    RunLifecycle.Created second = await(pool.withTransaction(tx -> RunLifecycle.create(tx,
        new RunLifecycle.NewRun(orgId, freeThread, null, new JsonObject(), "trace-3", null, null), 3,
        new RunLifecycle.Admission(true, 2, 2, 31))));
    assertEquals(second.runId(), run(second.runId()).getUUID("active_run_id"));
  }

  @Test
  void completingWithAnAnswerAndMeteringWritesTheMessageAndDebitsOnce() {
    await(pool.preparedQuery("INSERT INTO credit_balances (org_id, balance) VALUES ($1, 100)").execute(Tuple.of(orgId)));
    RunLifecycle.Created run = create();
    UUID threadId = UUID.fromString(run.started().data().getString("thread_id"));
    await(pool.withTransaction(tx -> RunLifecycle.requestCancel(tx, run.runId(), new JsonObject())));
    CreditLedger.Metering metering = new CreditLedger.Metering(true, 1000, 0, null);
    await(pool.withTransaction(tx -> RunLifecycle.complete(tx, run.runId(), threadId, totals(),
        new RunLifecycle.Answer("It is 4.", null), metering)));

    Row done = run(run.runId());
    assertEquals("completed", done.getString("status"));
    assertNull(done.getUUID("active_run_id"), "the thread is released");
    assertEquals(0, done.getLong("open_signals"), "the signals are spent");
    assertEquals(68, done.getLong("credits_used"));
    assertEquals(32, count("SELECT balance FROM credit_balances WHERE org_id = $1", orgId));
    assertEquals(1, count("SELECT count(*) FROM messages WHERE run_id = $1 AND role = 'assistant' "
        + "AND content = 'It is 4.' AND content_json IS NOT NULL", run.runId()));
    assertEquals(1, count("SELECT count(*) FROM threads WHERE id = $1 AND updated_at >= "
        + "(SELECT created_at FROM messages WHERE run_id = $2) - interval '1 millisecond'", threadId, run.runId()));
    // a second debit of the same run (another worker ending it) changes nothing
    await(pool.withTransaction(tx -> CreditLedger.debitRun(tx, run.runId(), metering)));
    assertEquals(32, count("SELECT balance FROM credit_balances WHERE org_id = $1", orgId));
  }

  @Test
  void anEndingRunLeavesAThreadThatAnotherRunHoldsToIt() {
    RunLifecycle.Created run = create();
    UUID threadId = UUID.fromString(run.started().data().getString("thread_id"));
    UUID other = create().runId();
    await(pool.preparedQuery("UPDATE threads SET active_run_id = $2 WHERE id = $1").execute(Tuple.of(threadId, other)));
    await(pool.withTransaction(tx -> RunLifecycle.complete(tx, run.runId(), threadId, totals(),
        new RunLifecycle.Answer("done", null), null)));
    assertEquals(other, run(run.runId()).getUUID("active_run_id"));
    assertEquals(1, count("SELECT count(*) FROM messages WHERE run_id = $1", run.runId()));
    assertNull(run(run.runId()).getValue("credits_used"), "without metering nothing is debited");
  }

  @Test
  void theStatusTableMatchesTheDocumentedMachine() {
    for (RunStatus status : RunStatus.values()) {
      for (RunStatus next : RunStatus.values()) {
        if (status.terminal()) {
          assertFalse(status.canMoveTo(next), status + " -> " + next);
        }
      }
    }
    assertTrue(RunStatus.RUNNING.canMoveTo(RunStatus.WAITING_FOR_INPUT));
    assertTrue(RunStatus.WAITING_FOR_INPUT.canMoveTo(RunStatus.RUNNING));
    assertTrue(RunStatus.CANCELLING.canMoveTo(RunStatus.COMPLETED));
    assertFalse(RunStatus.CANCELLING.canMoveTo(RunStatus.RUNNING));
    assertEquals("('running', 'waiting_for_input', 'cancelling')", RunStatus.ACTIVE_SQL);
    assertEquals(List.of("running", "waiting_for_input", "cancelling", "completed", "failed", "cancelled"),
        RunStatus.wireNames());
  }

  private static RunStatus target(String move) {
    return switch (move) {
      case "park" -> RunStatus.WAITING_FOR_INPUT;
      case "resume" -> RunStatus.RUNNING;
      case "requestCancel" -> RunStatus.CANCELLING;
      case "complete" -> RunStatus.COMPLETED;
      case "fail" -> RunStatus.FAILED;
      default -> RunStatus.CANCELLED;
    };
  }

  private static Throwable rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause;
  }
}
