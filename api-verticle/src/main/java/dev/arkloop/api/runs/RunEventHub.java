package dev.arkloop.api.runs;

import dev.arkloop.api.live.PubSub;
import dev.arkloop.common.runs.RunStreams;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live run events for one API verticle: one {@link RunTail} per watched run, all fed by the
 * verticle's ONE Redis pub/sub connection ({@link PubSub}), whatever the number of SSE clients. When
 * that connection comes back after Redis went away, tails resync from the stream or PostgreSQL.
 */
public final class RunEventHub {
  private static final Logger LOG = LoggerFactory.getLogger(RunEventHub.class);
  private final Vertx vertx;
  private final RunStreams streams;
  private final EventFetcher fetcher;
  private final int batchLimit;
  private final PubSub pubSub;
  private final Map<UUID, RunTail> tails = new HashMap<>();

  RunEventHub(Vertx vertx, PubSub pubSub, RunStreams streams, EventFetcher fetcher, int batchLimit) {
    this.vertx = vertx;
    this.streams = streams;
    this.fetcher = fetcher;
    this.batchLimit = batchLimit;
    this.pubSub = pubSub;
    pubSub.onReconnect(() -> tails.values().forEach(RunTail::resync));
  }

  public Future<Void> start() {
    return Future.succeededFuture();
  }

  public Future<Void> close() {
    tails.values().forEach(RunTail::close);
    tails.clear();
    return Future.succeededFuture();
  }

  /** Starts listening for a run's events after {@code fromSeq}; call {@link #leave} when done. */
  RunTail join(UUID runId, long fromSeq, TailSubscriber subscriber) {
    RunTail tail = tails.get(runId);
    if (tail == null) {
      RunTail created = new RunTail(vertx, runId, fromSeq, fetcher, batchLimit, () -> drop(runId), () -> {
        LOG.warn("run tail gave up after failing reads; its subscribers reconnect [run: {}]", runId);
        drop(runId);
      });
      tail = created;
      tails.put(runId, created);
      pubSub.subscribe(streams.channel(runId), payload -> announced(runId, created, payload));
    }
    tail.subscribe(subscriber);
    return tail;
  }

  void leave(UUID runId, TailSubscriber subscriber) {
    RunTail tail = tails.get(runId);
    if (tail != null && tail.unsubscribe(subscriber)) {
      tail.close();
      drop(runId);
    }
  }

  int liveTails() {
    return tails.size();
  }

  private void drop(UUID runId) {
    tails.remove(runId);
    pubSub.unsubscribe(streams.channel(runId));
  }

  private void announced(UUID runId, RunTail tail, String payload) {
    if (tails.get(runId) != tail) {
      return;
    }
    try {
      tail.announced(RunStreams.decodeAnnouncement(payload));
    } catch (RuntimeException e) {
      LOG.warn("bad announcement [run: {}]: {}", runId, e.toString());
    }
  }
}
