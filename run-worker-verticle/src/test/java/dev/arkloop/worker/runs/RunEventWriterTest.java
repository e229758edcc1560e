package dev.arkloop.worker.runs;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.Await.onContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.jobs.Job;
import dev.arkloop.common.runs.EventPayloads;
import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.common.runs.RunEvent;
import dev.arkloop.common.runs.RunEventLog;
import dev.arkloop.common.runs.RunLifecycle;
import dev.arkloop.common.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The run's single writer against real PostgreSQL and Redis: gapless seqs, the lease fence, the one-transaction end. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RunEventWriterTest {
  private RunFixture fixture;
  private Context context;

  @BeforeEach
  void setUp(Vertx vertx) {
    fixture = new RunFixture(vertx);
    context = vertx.getOrCreateContext();
  }

  /** Emits {@code count} deltas at once, as a streaming model does, from the writer's event loop. */
  private Future<Void> emitDeltas(RunEventWriter writer, int count) {
    return onContext(context, () -> {
      List<Future<Void>> written = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        written.add(writer.emit(EventTypes.MESSAGE_DELTA, EventPayloads.messageDelta("d" + i)));
      }
      return Future.all(written).mapEmpty();
    });
  }

  @Test
  void eventsBurstingInAreWrittenInOrderWithGaplessSeqsAndPublished() {
    RunFixture.Leased leased = fixture.leasedRun();
    RunEventWriter writer = fixture.writer(leased);
    await(emitDeltas(writer, 200));

    List<RunEvent> stored = await(RunEventLog.read(fixture.pool, leased.run().id(), 0, 1000));
    assertEquals(201, stored.size());
    for (int i = 0; i < stored.size(); i++) {
      assertEquals(i + 1, stored.get(i).seq());
    }
    for (int i = 1; i < stored.size(); i++) {
      assertEquals("d" + (i - 1), stored.get(i).data().getString("content_delta"));
    }
    assertEquals(201, writer.lastSeq());
    Await.until("the events reach the Redis stream", 10, () ->
        await(fixture.streams.range(leased.run().id(), 1, 1000)).size() == 200);
    List<RunEvent> published = await(fixture.streams.range(leased.run().id(), 1, 1000));
    assertEquals(stored.subList(1, 201).stream().map(RunEvent::seq).toList(),
        published.stream().map(RunEvent::seq).toList());
  }

  @Test
  void aWriterWhoseJobWasTakenOverWritesNothingMore() {
    RunFixture.Leased leased = fixture.leasedRun();
    RunEventWriter writer = fixture.writer(leased);
    await(emitDeltas(writer, 3));
    Job successor = fixture.takeOver(leased.job());
    assertTrue(successor != null, "the other worker leased the job");

    Throwable refused = await(emitDeltas(writer, 2).transform(done -> Future.succeededFuture(done.cause())));
    assertInstanceOf(LeaseLostException.class, refused);
    assertTrue(writer.leaseLost());
    Throwable afterwards = await(onContext(context, () -> writer.emit(EventTypes.MESSAGE_DELTA,
        EventPayloads.messageDelta("late"))).transform(done -> Future.succeededFuture(done.cause())));
    assertInstanceOf(LeaseLostException.class, afterwards);
    boolean ended = await(onContext(context, () -> writer.finish(List.of(EventTypes.COMPLETED),
        List.of(EventPayloads.completed(new JsonObject())), false,
        tx -> RunLifecycle.fail(tx, leased.run().id(), leased.run().threadId(), "internal.error", "x"))));
    assertFalse(ended, "a writer without its lease cannot end the run");

    assertEquals(4, await(RunEventLog.lastSeq(fixture.pool, leased.run().id())));
    Row run = fixture.row("SELECT r.status, j.lease_owner FROM runs r JOIN jobs j ON j.id = r.job_id WHERE r.id = $1",
        leased.run().id());
    assertEquals("running", run.getString("status"));
    assertEquals("other-worker", run.getString("lease_owner"));
  }

  @Test
  void theEndCommitsTheLastEventTheRunAndTheJobTogether() {
    RunFixture.Leased leased = fixture.leasedRun();
    RunEventWriter writer = fixture.writer(leased);
    await(emitDeltas(writer, 5));
    boolean ended = await(onContext(context, () -> writer.finish(List.of(EventTypes.FAILED),
        List.of(EventPayloads.failed("provider.timeout", "too slow")), false,
        tx -> RunLifecycle.fail(tx, leased.run().id(), leased.run().threadId(), "provider.timeout", "too slow"))));
    assertTrue(ended);

    List<RunEvent> stored = await(RunEventLog.read(fixture.pool, leased.run().id(), 0, 100));
    assertEquals(EventTypes.FAILED, stored.get(stored.size() - 1).type());
    assertEquals(7, stored.size());
    Row run = fixture.row("SELECT r.status, r.error_class, j.status AS job_status, t.active_run_id FROM runs r "
        + "JOIN jobs j ON j.id = r.job_id JOIN threads t ON t.id = r.thread_id WHERE r.id = $1", leased.run().id());
    assertEquals("failed", run.getString("status"));
    assertEquals("provider.timeout", run.getString("error_class"));
    assertEquals("done", run.getString("job_status"));
    assertEquals(null, run.getUUID("active_run_id"));
  }

  @Test
  void anEndTheRunRefusesRollsBackItsEvents() {
    RunFixture.Leased leased = fixture.leasedRun();
    RunEventWriter writer = fixture.writer(leased);
    // parking a run that is already cancelling is refused: nothing of the end may stay
    await(fixture.pool.withTransaction(tx -> RunLifecycle.requestCancel(tx, leased.run().id(), new JsonObject())));
    Throwable refused = await(onContext(context, () -> writer.finishParked(
            List.of(EventTypes.WAITING_FOR_INPUT), List.of(EventPayloads.waitingForInput("ok?", "c1", new JsonObject())),
            null, tx -> RunLifecycle.park(tx, leased.run().id(), new JsonObject())))
        .transform(done -> Future.succeededFuture(done.cause())));
    assertTrue(refused != null, "parking a cancelling run fails");
    assertEquals(1, await(RunEventLog.lastSeq(fixture.pool, leased.run().id())));
    Row job = fixture.row("SELECT status FROM jobs WHERE id = $1", leased.job().id());
    assertEquals("leased", job.getString("status"));

    // the end that replaces it continues the log without a gap
    assertTrue(await(onContext(context, () -> writer.finish(List.of(EventTypes.CANCEL_REQUESTED, EventTypes.CANCELLED),
        List.of(EventPayloads.cancelRequested(null, null), EventPayloads.cancelled()), false,
        tx -> RunLifecycle.cancel(tx, leased.run().id(), leased.run().threadId())))));
    assertEquals(List.of(1L, 2L, 3L), await(RunEventLog.read(fixture.pool, leased.run().id(), 0, 10)).stream()
        .map(RunEvent::seq).toList());
  }

  @Test
  void aParkedJobStartsItsAttemptsOverAndWaitsForAnAnswerOrItsDeadline() {
    RunFixture.Leased leased = fixture.leasedRun();
    RunEventWriter writer = fixture.writer(leased);
    boolean parked = await(onContext(context, () -> writer.finishParked(List.of(EventTypes.WAITING_FOR_INPUT),
        List.of(EventPayloads.waitingForInput("ok?", "c1", new JsonObject())), null,
        tx -> RunLifecycle.park(tx, leased.run().id(), new JsonObject().put("segment", 1)))));
    assertTrue(parked);
    Row job = fixture.row("SELECT status, attempts, lease_token FROM jobs WHERE id = $1", leased.job().id());
    assertEquals("parked", job.getString("status"));
    assertEquals(0, job.getInteger("attempts"));
    assertEquals(null, job.getUUID("lease_token"));

    RunFixture.Leased approval = fixture.leasedRun();
    RunEventWriter approvalWriter = fixture.writer(approval);
    assertTrue(await(onContext(context, () -> approvalWriter.finishParked(List.of(EventTypes.WAITING_FOR_INPUT),
        List.of(EventPayloads.waitingForInput("allow?", "c2", new JsonObject())), 600,
        tx -> RunLifecycle.park(tx, approval.run().id(), new JsonObject())))));
    Row waiting = fixture.row("SELECT status, run_after > now() + interval '500 seconds' AS later FROM jobs "
        + "WHERE id = $1", approval.job().id());
    assertEquals("queued", waiting.getString("status"));
    assertTrue(waiting.getBoolean("later"), "queued until the deadline");
  }
}
