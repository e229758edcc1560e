package dev.arkloop.api.runs;

import dev.arkloop.common.runs.RunEvent;
import io.vertx.core.Future;
import java.util.List;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongFunction;

/**
 * Delivers a run's events to one sink exactly once, in seq order, without gaps: events offered out
 * of order wait, duplicates are dropped, and a gap is filled by fetching the missing range. All calls
 * happen on one event loop.
 */
final class OrderedDelivery {
  private final LongFunction<Future<List<RunEvent>>> fetchAfter;
  private final Consumer<RunEvent> sink;
  private final Runnable drained;
  private final Runnable retryGap;
  private Consumer<Throwable> failed = e -> { };
  private final int batchLimit;
  private final TreeMap<Long, RunEvent> waiting = new TreeMap<>();
  private long cursor;
  private boolean fetching;
  private boolean stopped;

  /**
   * @param cursor the last seq the sink already has
   * @param batchLimit the most events one fetch returns
   * @param fetchAfter reads events after a seq (at most {@code batchLimit}, empty when there are none)
   * @param sink receives each event in order
   * @param drained runs after a burst of events went to the sink (to write them out at once)
   */
  OrderedDelivery(long cursor, int batchLimit, LongFunction<Future<List<RunEvent>>> fetchAfter,
      Consumer<RunEvent> sink, Runnable drained, io.vertx.core.Vertx vertx) {
    this.cursor = cursor;
    this.drained = drained;
    this.batchLimit = batchLimit;
    this.fetchAfter = fetchAfter;
    this.sink = sink;
    this.retryGap = () -> vertx.setTimer(100, t -> {
      if (!fetching && !waiting.isEmpty()) {
        catchUp();
      }
    });
  }

  /**
   * Called whenever a fetch fails, whoever started it (a caller's catch-up, a live gap, the gap
   * retry), so no failure goes unseen.
   */
  OrderedDelivery onFailure(Consumer<Throwable> handler) {
    this.failed = handler;
    return this;
  }

  long cursor() {
    return cursor;
  }

  void stop() {
    stopped = true;
    waiting.clear();
  }

  /** A live event: delivered now if it is next, kept if it is early, dropped if already delivered. */
  void offer(RunEvent event) {
    offer(List.of(event));
  }

  /**
   * A burst of live events, in seq order: the ones that are next go to the sink at once (without
   * waiting in the sorted map) and {@code drained} runs once for the whole burst; early ones wait,
   * duplicates are dropped.
   */
  void offer(List<RunEvent> events) {
    if (stopped) {
      return;
    }
    boolean delivered = false;
    for (RunEvent event : events) {
      if (event.seq() <= cursor) {
        continue;
      }
      if (event.seq() == cursor + 1 && waiting.isEmpty()) {
        cursor = event.seq();
        sink.accept(event);
        delivered = true;
      } else {
        waiting.putIfAbsent(event.seq(), event);
      }
    }
    if (!drain() && delivered) {
      drained.run();
    }
    if (!waiting.isEmpty() && !fetching) {
      catchUp();
    }
  }

  /**
   * Fetches from the cursor until a fetch comes back short of a full batch (the end of what is
   * written; anything later arrives live); completes when caught up.
   */
  Future<Void> catchUp() {
    if (stopped) {
      return Future.succeededFuture();
    }
    fetching = true;
    return fetchAfter.apply(cursor).compose(batch -> {
      batch.forEach(event -> {
        if (event.seq() > cursor) {
          waiting.putIfAbsent(event.seq(), event);
        }
      });
      drain();
      if (batch.size() < batchLimit || stopped) {
        fetching = false;
        if (!waiting.isEmpty() && !stopped) {
          retryGap.run(); // the events before a waiting one are committed: look again shortly
        }
        return Future.succeededFuture();
      }
      return catchUp();
    }, failure -> {
      fetching = false;
      if (!stopped) {
        failed.accept(failure);
      }
      return Future.failedFuture(failure);
    });
  }

  /** Delivers what waits in order from the cursor; true when it did (and ran {@code drained}). */
  private boolean drain() {
    boolean delivered = false;
    while (!stopped && !waiting.isEmpty() && waiting.firstKey() == cursor + 1) {
      RunEvent next = waiting.pollFirstEntry().getValue();
      cursor = next.seq();
      sink.accept(next);
      delivered = true;
    }
    if (delivered) {
      drained.run();
    }
    while (!waiting.isEmpty() && waiting.firstKey() <= cursor) {
      waiting.pollFirstEntry();
    }
    return delivered;
  }
}
