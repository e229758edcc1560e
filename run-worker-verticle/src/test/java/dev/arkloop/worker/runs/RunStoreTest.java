package dev.arkloop.worker.runs;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.runs.RunLifecycle;
import dev.arkloop.common.runs.RunStatus;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The worker's one-statement read of a run it takes up, against a real PostgreSQL. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class RunStoreTest {
  private RunFixture fixture;
  private RunStore store;

  @BeforeEach
  void setUp(Vertx vertx) {
    fixture = new RunFixture(vertx);
    store = new RunStore(fixture.pool);
  }

  private Row row(UUID runId) {
    return await(fixture.pool.preparedQuery("SELECT status, started_at FROM runs WHERE id = $1")
        .execute(Tuple.of(runId))).iterator().next();
  }

  @Test
  void aParkedRunIsReadAsItWasWithItsSignalsInOrderAndStarted() {
    RunFixture.Leased leased = fixture.leasedRun();
    UUID runId = leased.run().id();
    await(fixture.pool.withTransaction(tx -> RunLifecycle.park(tx, runId, new JsonObject().put("segment", 1))
        .compose(v -> RunLifecycle.resume(tx, runId, leased.job().id(), new JsonObject().put("content", "first")))
        .compose(v -> RunLifecycle.park(tx, runId, new JsonObject().put("segment", 2)))));
    await(fixture.pool.withTransaction(tx -> RunLifecycle.resume(tx, runId, leased.job().id(),
            new JsonObject().put("content", "second"))
        .compose(v -> RunLifecycle.requestCancel(tx, runId, new JsonObject().put("trace_id", "t-1")))));
    await(fixture.pool.preparedQuery("INSERT INTO credit_balances (org_id, balance) VALUES ($1, 42)")
        .execute(Tuple.of(fixture.orgId)));

    RunStore.TakenUp read = await(store.takeUp(runId, false));
    assertEquals(RunStatus.CANCELLING, read.run().status());
    assertEquals(1, read.lastSeq(), "run.started");
    assertEquals(42, read.balance());
    assertEquals(List.of("input", "cancel"), read.signals().stream().map(RunStore.Signal::type).toList());
    assertEquals("second", read.signals().get(0).payload().getString("content"));
    assertNull(row(runId).getValue("started_at"), "reading alone starts nothing");

    RunStore.TakenUp started = await(store.takeUp(runId, true));
    assertEquals(RunStatus.CANCELLING, started.run().status());
    assertNotNull(row(runId).getValue("started_at"));
  }

  @Test
  void aWaitingRunRunsAgainButAnEndedOneIsLeftAlone() {
    RunFixture.Leased waiting = fixture.leasedRun();
    await(fixture.pool.withTransaction(tx -> RunLifecycle.park(tx, waiting.run().id(), new JsonObject())));
    RunStore.TakenUp taken = await(store.takeUp(waiting.run().id(), true));
    assertEquals(RunStatus.WAITING_FOR_INPUT, taken.run().status(), "read as it was before the start");
    assertEquals(0, taken.balance(), "no balance row yet");
    assertEquals("running", row(waiting.run().id()).getString("status"));

    RunFixture.Leased ended = fixture.leasedRun();
    await(fixture.pool.withTransaction(tx -> RunLifecycle.fail(tx, ended.run().id(), ended.run().threadId(),
        "internal.error", "boom")));
    RunStore.TakenUp terminal = await(store.takeUp(ended.run().id(), true));
    assertEquals(RunStatus.FAILED, terminal.run().status());
    assertNull(row(ended.run().id()).getValue("started_at"), "an ended run is not started again");
    assertNull(await(store.takeUp(Ids.newId(), true)));
  }
}
