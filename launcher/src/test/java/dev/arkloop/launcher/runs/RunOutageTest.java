package dev.arkloop.launcher.runs;

import static dev.arkloop.launcher.TestNode.run;
import static dev.arkloop.launcher.TestNode.thread;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.OutagePostgres;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.launcher.LogCapture;
import dev.arkloop.launcher.RunEvents;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * PostgreSQL stops for a few seconds under live runs. The worker keeps each run's lease, holds the
 * events it could not write, in order, and writes them once the database answers: every run
 * completes in its first attempt (no takeover after a lease expiry), with every event once, in
 * order, without a gap.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class RunOutageTest {
  private static final int RUNS = 4;
  private static OutagePostgres postgres;
  private static TestNode node;
  private static TestClient user;

  @BeforeAll
  static void start() {
    postgres = OutagePostgres.create();
    // the product's lease and heartbeat (30 s, 10 s), so a stalled run would show as a second attempt
    node = TestNode.start(postgres.endpoints(), Map.of("ARKLOOP_WORKER_LEASE_SECONDS", "30",
        "ARKLOOP_WORKER_HEARTBEAT_SECONDS", "10"));
    node.register("root");
    user = node.register("ivan");
  }

  @AfterAll
  static void stop() {
    node.close();
    postgres.close();
  }

  @Test
  void liveRunsContinueAsSoonAsTheDatabaseIsBack() {
    List<String> runIds = new ArrayList<>();
    for (int i = 0; i < RUNS; i++) {
      runIds.add(run(user, thread(user, "/tokens 150 /delay 40")));
    }
    Await.until("every run streaming", 60, () -> runIds.stream().allMatch(id -> eventCount(id) > 5));

    long restarted;
    try (LogCapture logs = LogCapture.attach()) {
      postgres.stop();
      long stopped = System.nanoTime();
      Await.until("every run's writer met the outage", 60, () -> runIds.stream()
          .allMatch(id -> !logs.containing("event append failed").stream().filter(l -> l.contains(id)).toList().isEmpty()));
      // the outage itself, as measured in the field: several seconds, well under the 30 s lease
      Await.until("an outage of 4 s", 10, () -> System.nanoTime() - stopped > TimeUnit.SECONDS.toNanos(4));
      postgres.start();
      restarted = System.nanoTime();
    }

    RunEvents events = new RunEvents(node);
    for (String runId : runIds) {
      List<JsonObject> all = events.follow(user, runId);
      for (int i = 0; i < all.size(); i++) {
        assertEquals(i + 1, all.get(i).getLong("seq"), "every event once, in order, gapless: " + RunEvents.types(all));
      }
      assertEquals(EventTypes.COMPLETED, RunEvents.last(all), RunEvents.types(all).toString());
      assertEquals("1", TestInfra.queryValue(postgres.database(),
          "SELECT attempts FROM jobs WHERE payload->>'run_id' = '" + runId + "'"), "completed in its first attempt");
    }
    System.out.println("all runs completed " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted)
        + " ms after PostgreSQL was back");
  }

  private static int eventCount(String runId) {
    return Integer.parseInt(TestInfra.queryValue(postgres.database(),
        "SELECT count(*) FROM run_events WHERE run_id = '" + runId + "'"));
  }
}
