package dev.arkloop.launcher.runs;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.launcher.RunEvents.waitForStatus;
import static dev.arkloop.launcher.TestNode.run;
import static dev.arkloop.launcher.TestNode.thread;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.common.testing.Await;
import dev.arkloop.common.db.Pools;
import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.common.runs.RunEvent;
import dev.arkloop.common.runs.RunEventLog;
import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Redis is written after PostgreSQL commits, so it can lag or miss an event. These tests commit a
 * terminal event to PostgreSQL alone, as a writer whose Redis publish is still in flight (or was
 * lost) leaves it, and show that readers still reach it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class StreamFallbackTest {
  private static TestNode node;
  private static TestClient user;
  private static Pool pool;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
    node.register("root");
    user = node.register("ivan");
    pool = Pools.create(node.vertx(), node.endpoints().database(), 2);
  }

  @AfterAll
  static void stop() {
    await(pool.close());
    node.close();
  }

  @Test
  void aFinishedRunReplaysToItsTerminalEventWhileRedisLagsBehind() throws Exception {
    String runId = waitingRun();
    UUID id = UUID.fromString(runId);
    await(pool.withTransaction(tx -> RunEventLog.lastSeq(tx, id)
        .compose(last -> RunEventLog.append(tx, List.of(RunEvent.now(id, last + 1, EventTypes.CANCELLED, null))))
        .compose(v -> tx.preparedQuery("UPDATE runs SET status = 'cancelled' WHERE id = $1::uuid").execute(Tuple.of(id)))));

    SseClient sse = await(SseClient.open(node.vertx(), node.port(), "/v1/runs/" + runId + "/events", user.headers()));
    await(sse.ended(), 30);
    List<SseClient.Frame> frames = sse.frames();
    assertEquals(EventTypes.CANCELLED, frames.get(frames.size() - 1).data().getString("type"), frames.toString());
  }

  @Test
  void anEventRedisNeverGotStillReachesALiveSubscriber() throws Exception {
    String runId = waitingRun();
    UUID id = UUID.fromString(runId);
    SseClient sse = await(SseClient.open(node.vertx(), node.port(), "/v1/runs/" + runId + "/events", user.headers()));
    Await.until("the subscriber to see the run wait", 10, () -> sse.frames().stream()
        .anyMatch(f -> EventTypes.WAITING_FOR_INPUT.equals(f.data().getString("type"))));
    await(RunEventLog.lastSeq(pool, id).compose(last ->
        RunEventLog.append(pool, List.of(RunEvent.now(id, last + 1, EventTypes.CANCELLED, null)))));

    await(sse.ended(), 30);
    List<SseClient.Frame> frames = sse.frames();
    assertEquals(EventTypes.CANCELLED, frames.get(frames.size() - 1).data().getString("type"), frames.toString());
    for (int i = 0; i < frames.size(); i++) {
      assertEquals(i + 1, frames.get(i).data().getLong("seq"), "gapless, no duplicates");
    }
  }

  private static String waitingRun() {
    String runId = run(user, thread(user, "/ask who is there?"));
    waitForStatus(user, runId, "waiting_for_input");
    return runId;
  }
}
