package dev.arkloop.api.runs;

import dev.arkloop.common.metrics.Meters;
import dev.arkloop.common.runs.RunEvent;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The one live reader of a run on this API verticle: fed by the run's pub/sub announcements, and by a
 * poll of the stream when it has been quiet for a second (a lost announcement, a Redis restart). It
 * passes each event, once and in order, to every local subscriber, and ticks them four times a
 * second (their heartbeats), so a run's thousands of subscribers cost one timer.
 */
final class RunTail {
  static final long QUIET_POLL_MS = 1_000;
  /** Every this many quiet polls, an empty stream is checked against PostgreSQL (a publish Redis lost). */
  static final int QUIET_POLLS_PER_DATABASE_CHECK = 5;
  static final long TICK_MS = 250;
  /** Recent events kept in memory, so subscribers joining a busy run replay without a Redis read each. */
  static final int HISTORY = 2_048;
  static final int SLICE = 500;
  /** Reads failing for this long without one success end the tail: its subscribers reconnect and replay. */
  static final long GIVE_UP_AFTER_MS = 10_000;
  private final Timer lag = Meters.latency("arkloop.run.events.lag",
      "From the worker stamping a run event to this API verticle hearing of it live (across nodes: plus clock skew)");

  private final UUID runId;
  private final Set<TailSubscriber> subscribers = new LinkedHashSet<>();
  private final OrderedDelivery delivery;
  private final Vertx vertx;
  private final Runnable onFinished;
  private final Runnable onFailed;
  /** When reads started failing, 0 while they succeed. */
  private long failingSince;
  private long lastActivity = System.currentTimeMillis();
  /** Polls since the last announcement. */
  private int quietPolls;
  private final long pollTimer;
  private boolean finished;
  private final java.util.ArrayDeque<RunEvent> recent = new java.util.ArrayDeque<>();
  private final List<RunEvent> burst = new java.util.ArrayList<>();

  RunTail(Vertx vertx, UUID runId, long fromSeq, EventFetcher fetcher, int batchLimit, Runnable onFinished,
      Runnable onFailed) {
    this.vertx = vertx;
    this.runId = runId;
    this.onFinished = onFinished;
    this.onFailed = onFailed;
    this.delivery = new OrderedDelivery(fromSeq, batchLimit, after -> (databaseCheckDue()
        ? fetcher.replay(runId, after, batchLimit) : fetcher.live(runId, after, batchLimit))
        .onSuccess(read -> failingSince = 0),
        this::remember, this::fanOut, vertx).onFailure(this::readFailed);
    this.pollTimer = vertx.setPeriodic(TICK_MS, t -> {
      long now = System.currentTimeMillis();
      if (now - lastActivity >= QUIET_POLL_MS) {
        lastActivity = now;
        quietPolls++;
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
    Instant now = Instant.now();
    events.forEach(event -> lag.record(Math.max(0, Duration.between(event.createdAt().toInstant(), now).toNanos()),
        TimeUnit.NANOSECONDS));
    lastActivity = System.currentTimeMillis();
    quietPolls = 0;
    delivery.offer(events); // one burst: one write per subscriber
  }

  /**
   * A failed read is retried by the next quiet poll; only reads that keep failing end the tail, so a
   * blip costs nothing while an outage never leaves subscribers open and silent.
   */
  private void readFailed(Throwable failure) {
    long now = System.currentTimeMillis();
    if (failingSince == 0) {
      failingSince = now;
    } else if (!finished && now - failingSince >= GIVE_UP_AFTER_MS) {
      finished = true;
      close();
      onFailed.run();
      for (TailSubscriber subscriber : List.copyOf(subscribers)) {
        subscriber.failed();
      }
    }
  }

  private boolean databaseCheckDue() {
    return quietPolls > 0 && quietPolls % QUIET_POLLS_PER_DATABASE_CHECK == 0;
  }

  /** After a reconnect to Redis: announcements may have been missed. */
  void resync() {
    delivery.catchUp();
  }

  void close() {
    vertx.cancelTimer(pollTimer);
    delivery.stop();
  }

  /**
   * Events after {@code seq} from the tail's memory, at most {@code limit}; null when the memory does
   * not reach back that far (the caller reads the stream or PostgreSQL).
   */
  List<RunEvent> eventsAfter(long seq, int limit) {
    if (recent.isEmpty() || recent.peekFirst().seq() > seq + 1) {
      return null;
    }
    List<RunEvent> events = new java.util.ArrayList<>();
    for (RunEvent event : recent) {
      if (event.seq() > seq && events.size() < limit) {
        events.add(event);
      }
    }
    return events;
  }

  private void remember(RunEvent event) {
    recent.addLast(event);
    if (recent.size() > HISTORY) {
      recent.removeFirst();
    }
    burst.add(event);
  }

  /**
   * Hands a burst to every subscriber: one write per subscriber however many events came, and at
   * most {@link #SLICE} subscribers per event-loop turn, so a run with thousands of viewers never
   * holds the loop for long. Each subscriber still sees its events in order.
   */
  private void fanOut() {
    List<RunEvent> events = List.copyOf(burst);
    burst.clear();
    List<TailSubscriber> targets = List.copyOf(subscribers);
    deliver(events, targets, 0);
    RunEvent last = events.get(events.size() - 1);
    if (last.terminal() && !finished) {
      finished = true;
      close();
      onFinished.run();
    }
  }

  private void deliver(List<RunEvent> events, List<TailSubscriber> targets, int from) {
    int to = Math.min(targets.size(), from + SLICE);
    for (int i = from; i < to; i++) {
      targets.get(i).accept(events);
    }
    if (to < targets.size()) {
      vertx.runOnContext(v -> deliver(events, targets, to));
    }
  }
}
