package dev.arkloop.common.jobs;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.db.Pools;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class JobQueueTest {
  private Pool pool;
  private JobQueue queue;
  private String type;

  @BeforeEach
  void setUp(Vertx vertx) {
    pool = Pools.create(vertx, TestInfra.get().newDatabase(), 8);
    queue = new JobQueue(pool);
    type = "test." + UUID.randomUUID();
  }

  private UUID enqueue(int maxAttempts) {
    return await(pool.withTransaction(tx -> JobQueue.enqueue(tx, type, 1, new JsonObject().put("n", 1), null,
        maxAttempts)));
  }

  @Test
  void concurrentLeasesNeverShareAJob() {
    for (int i = 0; i < 20; i++) {
      enqueue(3);
    }
    var first = queue.lease(List.of(type), 8, "w1", Duration.ofSeconds(30));
    var second = queue.lease(List.of(type), 8, "w2", Duration.ofSeconds(30));
    var third = queue.lease(List.of(type), 8, "w3", Duration.ofSeconds(30));
    Set<UUID> seen = new HashSet<>();
    int total = 0;
    for (var leased : List.of(await(first), await(second), await(third))) {
      for (Job job : leased) {
        assertTrue(seen.add(job.id()), "leased twice: " + job.id());
        total++;
      }
    }
    assertEquals(20, total);
    assertTrue(await(queue.lease(List.of(type), 8, "w4", Duration.ofSeconds(30))).isEmpty());
  }

  @Test
  void leaseTokenFencesAWorkerThatLostItsLease() throws Exception {
    UUID id = enqueue(3);
    Job stale = await(queue.leaseById(id, "w1", Duration.ofMillis(200)));
    assertEquals(1, stale.attempts());
    Job fresh = leaseOnceExpired(() -> queue.lease(List.of(type), 1, "w2", Duration.ofSeconds(30))
        .map(jobs -> jobs.isEmpty() ? null : jobs.get(0)));
    assertEquals(id, fresh.id());
    assertEquals(2, fresh.attempts());
    assertNotEquals(stale.leaseToken(), fresh.leaseToken());

    assertFalse(await(queue.heartbeat(stale, Duration.ofSeconds(30))));
    assertFalse(await(queue.complete(stale)));
    assertTrue(await(queue.heartbeat(fresh, Duration.ofSeconds(30))));
    assertTrue(await(queue.complete(fresh)));
    assertNull(await(queue.leaseById(id, "w3", Duration.ofSeconds(30))), "a done job is not leased again");
  }

  @Test
  void retriesBackOffAndFailAfterMaxAttempts() {
    UUID id = enqueue(2);
    Job first = await(queue.leaseById(id, "w1", Duration.ofSeconds(30)));
    assertTrue(await(queue.retryLater(first, "boom", Duration.ZERO)));
    Job second = await(queue.leaseById(id, "w1", Duration.ofSeconds(30)));
    assertEquals(2, second.attempts());
    assertTrue(await(queue.retryLater(second, "boom again", Duration.ZERO)));
    assertNull(await(queue.leaseById(id, "w1", Duration.ofSeconds(30))));
    String status = await(pool.preparedQuery("SELECT status, last_error FROM jobs WHERE id = $1")
        .execute(io.vertx.sqlclient.Tuple.of(id))).iterator().next().getString("status");
    assertEquals("failed", status);
  }

  @Test
  void delayedRetryIsNotLeasedEarly() {
    UUID id = enqueue(3);
    Job job = await(queue.leaseById(id, "w1", Duration.ofSeconds(30)));
    assertTrue(await(queue.retryLater(job, "later", Duration.ofMinutes(5))));
    assertTrue(await(queue.lease(List.of(type), 5, "w2", Duration.ofSeconds(30))).isEmpty());
  }

  @Test
  void exhaustedMarksALeaseBeyondItsAttempts() throws Exception {
    UUID id = enqueue(1);
    Job first = await(queue.leaseById(id, "w1", Duration.ofMillis(100)));
    assertFalse(first.exhausted());
    Job second = leaseOnceExpired(() -> queue.leaseById(id, "w2", Duration.ofSeconds(30)));
    assertTrue(second.exhausted(), "the worker that leases a lost job past its attempts must give up on it");
  }

  /** Tries {@code lease} until the earlier lease has expired and it returns a job. */
  private static Job leaseOnceExpired(Supplier<Future<Job>> lease) {
    Job[] leased = new Job[1];
    Await.until("the earlier lease to expire", 10, () -> (leased[0] = await(lease.get())) != null);
    return leased[0];
  }
}
