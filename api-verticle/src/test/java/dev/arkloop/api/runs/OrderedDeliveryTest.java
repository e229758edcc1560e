package dev.arkloop.api.runs;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.runs.RunEvent;
import dev.arkloop.common.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The ordering rules of one subscriber's delivery, against an event log held in a list: what the
 * database would answer for "events after seq N", without the database.
 */
class OrderedDeliveryTest {
  private static final UUID RUN = UUID.randomUUID();

  private Vertx vertx;
  private Context loop;
  private final List<RunEvent> log = new CopyOnWriteArrayList<>();
  private final List<Long> delivered = new CopyOnWriteArrayList<>();
  private final AtomicInteger fetches = new AtomicInteger();
  private final AtomicInteger bursts = new AtomicInteger();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() {
    await(vertx.close());
  }

  @Test
  void earlyEventsWaitForTheGapToBeFetchedAndDuplicatesAreDropped() {
    commit(1, 5);
    OrderedDelivery delivery = delivery(0, 10);
    onLoop(() -> delivery.offer(event(3)));
    Await.until("the gap before seq 3 to be filled", 10, () -> delivered.size() == 5);
    onLoop(() -> {
      delivery.offer(event(4));
      delivery.offer(event(2));
    });
    commit(6, 6);
    onLoop(() -> delivery.offer(event(6)));
    Await.until("seq 6", 10, () -> delivered.size() == 6);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), delivered);
    assertEquals(6, onLoopValue(delivery::cursor));
  }

  @Test
  void catchUpReadsFullBatchesUntilAShortOne() {
    commit(1, 25);
    OrderedDelivery delivery = delivery(0, 10);
    await(Await.onContext(loop, delivery::catchUp));
    assertEquals(LongStream.rangeClosed(1, 25).boxed().toList(), delivered);
    assertEquals(3, fetches.get(), "10 + 10 + 5: the short batch ends the catch-up");
  }

  @Test
  void aGapWhoseEventsAreNotYetReadableIsFetchedAgain() {
    commit(1, 1);
    OrderedDelivery delivery = delivery(0, 10);
    onLoop(() -> delivery.offer(event(3)));
    Await.until("seq 1", 10, () -> delivered.size() == 1);
    int fetchesBeforeCommit = fetches.get();
    commit(2, 2);
    Await.until("the retried fetch to find seq 2", 10, () -> delivered.size() == 3);
    assertEquals(List.of(1L, 2L, 3L), delivered);
    assertTrue(fetches.get() > fetchesBeforeCommit, "fetched again after the commit");
  }

  @Test
  void aBurstIsWrittenOutOnce() {
    commit(1, 4);
    OrderedDelivery delivery = delivery(0, 10);
    await(Await.onContext(loop, delivery::catchUp));
    assertEquals(4, delivered.size());
    assertEquals(1, bursts.get(), "four events in one fetch are one burst");
  }

  @Test
  void aLiveBurstIsOneWriteAndItsEarlyPartWaitsForTheGap() {
    commit(1, 6);
    OrderedDelivery delivery = delivery(0, 10);
    onLoop(() -> delivery.offer(List.of(event(1), event(2), event(3))));
    assertEquals(List.of(1L, 2L, 3L), delivered);
    assertEquals(1, bursts.get(), "three live events announced together are one burst");
    assertEquals(0, fetches.get(), "the next events need no fetch");
    onLoop(() -> delivery.offer(List.of(event(2), event(5), event(6))));
    Await.until("the gap before seq 5 to be filled", 10, () -> delivered.size() == 6);
    assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), delivered, "the duplicate dropped, seq 4 fetched, in order");
  }

  @Test
  void nothingIsDeliveredAfterStop() {
    commit(1, 2);
    OrderedDelivery delivery = delivery(0, 10);
    await(Await.onContext(loop, delivery::catchUp));
    onLoop(() -> {
      delivery.stop();
      delivery.offer(event(3));
    });
    commit(3, 3);
    await(Await.onContext(loop, delivery::catchUp));
    assertEquals(List.of(1L, 2L), delivered);
  }

  @Test
  void aFailedFetchIsReportedAndTheNextOneResumesFromTheCursor() {
    commit(1, 3);
    AtomicInteger calls = new AtomicInteger();
    OrderedDelivery delivery = new OrderedDelivery(0, 10, after -> calls.incrementAndGet() == 1
        ? Future.failedFuture(new IllegalStateException("database gone")) : fetch(after, 10),
        event -> delivered.add(event.seq()), bursts::incrementAndGet, vertx);
    Throwable failure = await(Await.onContext(loop, delivery::catchUp).map(v -> (Throwable) null).otherwise(e -> e));
    assertEquals("database gone", failure == null ? null : failure.getMessage());
    assertEquals(List.of(), delivered);
    await(Await.onContext(loop, delivery::catchUp));
    assertEquals(List.of(1L, 2L, 3L), delivered);
  }

  private OrderedDelivery delivery(long cursor, int batchLimit) {
    return new OrderedDelivery(cursor, batchLimit, after -> fetch(after, batchLimit),
        event -> delivered.add(event.seq()), bursts::incrementAndGet, vertx);
  }

  private Future<List<RunEvent>> fetch(long after, int limit) {
    fetches.incrementAndGet();
    List<RunEvent> found = new ArrayList<>();
    for (RunEvent event : log) {
      if (event.seq() > after && found.size() < limit) {
        found.add(event);
      }
    }
    return Future.succeededFuture(found);
  }

  private void commit(long from, long to) {
    LongStream.rangeClosed(from, to).forEach(seq -> log.add(event(seq)));
  }

  private static RunEvent event(long seq) {
    return RunEvent.now(RUN, seq, "message.delta", null);
  }

  private void onLoop(Runnable action) {
    await(Await.onContext(loop, () -> {
      action.run();
      return Future.succeededFuture();
    }));
  }

  private <T> T onLoopValue(Supplier<T> value) {
    return await(Await.onContext(loop, () -> Future.succeededFuture(value.get())));
  }
}
