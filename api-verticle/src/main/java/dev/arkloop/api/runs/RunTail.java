package dev.arkloop.api.runs;

import dev.arkloop.common.runs.RunEvent;
import io.vertx.core.Vertx;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The one live reader of a run on this API verticle: fed by the run's pub/sub announcements, and by a
 * poll of the stream when it has been quiet for a second (a lost announcement, a Redis restart). It
 * passes each event, once and in order, to every local subscriber, and ticks them four times a
 * second (their heartbeats), so a run's thousands of subscribers cost one timer.
 */
final class RunTail {
  static final long QUIET_POLL_MS = 1_000;
  static final long TICK_MS = 250;

  private final UUID runId;
  private final Set<TailSubscriber> subscribers = new LinkedHashSet<>();
  private final OrderedDelivery delivery;
  private final Vertx vertx;
  private final Runnable onFinished;
  private long lastActivity = System.currentTimeMillis();
  private final long pollTimer;
  private boolean finished;

  RunTail(Vertx vertx, UUID runId, long fromSeq, EventFetcher fetcher, int batchLimit, Runnable onFinished) {
    this.vertx = vertx;
    this.runId = runId;
    this.onFinished = onFinished;
    this.delivery = new OrderedDelivery(fromSeq, after -> fetcher.after(runId, after, batchLimit, true),
        this::dispatch, vertx);
    this.pollTimer = vertx.setPeriodic(TICK_MS, t -> {
      long now = System.currentTimeMillis();
      if (now - lastActivity >= QUIET_POLL_MS) {
        lastActivity = now;
        delivery.catchUp();
      }
      for (TailSubscriber subscriber : List.copyOf(subscribers)) {
        subscriber.tick(now);
      }
    });
  }

  UUID runId() {
    return runId;
  }

  void subscribe(TailSubscriber subscriber) {
    subscribers.add(subscriber);
  }

  /** Returns true when nobody listens any more. */
  boolean unsubscribe(TailSubscriber subscriber) {
    subscribers.remove(subscriber);
    return subscribers.isEmpty();
  }

  void announced(List<RunEvent> events) {
    lastActivity = System.currentTimeMillis();
    events.forEach(delivery::offer);
  }

  /** After a reconnect to Redis: announcements may have been missed. */
  void resync() {
    delivery.catchUp();
  }

  void close() {
    vertx.cancelTimer(pollTimer);
    delivery.stop();
  }

  private void dispatch(RunEvent event) {
    for (TailSubscriber subscriber : List.copyOf(subscribers)) {
      subscriber.accept(event);
    }
    if (event.terminal() && !finished) {
      finished = true;
      close();
      onFinished.run();
    }
  }
}
