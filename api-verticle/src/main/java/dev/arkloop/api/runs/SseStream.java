package dev.arkloop.api.runs;

import dev.arkloop.api.live.SseResponse;
import dev.arkloop.common.runs.RunEvent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSE client of a run. It joins the run's tail first (so no live event slips by), then replays
 * from its cursor in batches, and writes every event once, in order, as {@code id: <seq>} +
 * {@code data: <envelope>}. A client that cannot keep up stops receiving live events until its
 * socket drains, then catches up from the stream or PostgreSQL. The response ends after the
 * terminal event, and on any failure to read events (the database or Redis gone, a read past its
 * deadline): an EventSource then reconnects with {@code Last-Event-ID} and resumes where it was.
 */
final class SseStream {
  private static final Logger LOG = LoggerFactory.getLogger(SseStream.class);
  private final Vertx vertx;
  private final HttpServerResponse response;
  private final RunEventHub hub;
  private final UUID runId;
  private final boolean follow;
  private final boolean runFinished;
  private final long heartbeatMs;
  private final OrderedDelivery delivery;
  private final TailSubscriber live = new TailSubscriber() {
    @Override
    public void accept(List<RunEvent> events) {
      if (!lagging) {
        delivery.offer(events);
      }
    }

    @Override
    public void tick(long nowMillis) {
      heartbeat(nowMillis);
    }

    @Override
    public void failed() {
      end("live tail failed");
    }
  };
  private long lastWrite = System.currentTimeMillis();
  private boolean lagging;
  private final StringBuilder pending = new StringBuilder();
  private boolean terminalSeen;
  private RunTail tail;
  private boolean ended;

  SseStream(Vertx vertx, HttpServerResponse response, RunEventHub hub, EventFetcher fetcher, UUID runId,
      long afterSeq, boolean follow, boolean runFinished, int batchLimit, int heartbeatSeconds) {
    this.vertx = vertx;
    this.response = response;
    this.hub = hub;
    this.runId = runId;
    this.follow = follow;
    this.runFinished = runFinished;
    this.heartbeatMs = heartbeatSeconds * 1000L;
    this.delivery = new OrderedDelivery(afterSeq, batchLimit, after -> {
      List<RunEvent> remembered = tail == null ? null : tail.eventsAfter(after, batchLimit);
      if (remembered != null) {
        return Future.succeededFuture(remembered);
      }
      return runFinished ? fetcher.finished(runId, after, batchLimit) : fetcher.replay(runId, after, batchLimit);
    }, this::buffer, this::flush, vertx);
    delivery.onFailure(this::readFailed);
  }

  private void readFailed(Throwable failure) {
    LOG.warn("SSE read failed, the stream ends so the client reconnects [run: {}, cursor: {}]: {}", runId,
        delivery.cursor(), failure.toString());
    end("read failed");
  }

  void start() {
    SseResponse.open(response);
    response.closeHandler(v -> finish());
    boolean tailing = follow && !runFinished;
    if (tailing) {
      response.write(SseResponse.PING);
      tail = hub.join(runId, delivery.cursor(), live);
    }
    delivery.catchUp().onSuccess(done -> {
      if (!tailing) {
        end("replayed"); // replay only: everything there is has been sent
      }
    });
  }

  /** Frames of one burst gather here and go out in one write. */
  private void buffer(RunEvent event) {
    if (!ended) {
      pending.append(event.sseFrame());
      terminalSeen |= event.terminal();
    }
  }

  private void flush() {
    if (ended || pending.length() == 0) {
      return;
    }
    response.write(pending.toString());
    pending.setLength(0);
    lastWrite = System.currentTimeMillis();
    if (terminalSeen) {
      end("terminal event");
      return;
    }
    if (response.writeQueueFull() && !lagging) {
      lagging = true;
      response.drainHandler(v -> {
        lagging = false;
        delivery.catchUp();
      });
    }
  }

  private void heartbeat(long now) {
    if (!ended && now - lastWrite >= heartbeatMs && !response.writeQueueFull()) {
      response.write(SseResponse.PING);
      lastWrite = now;
    }
  }

  private void end(String reason) {
    if (!ended) {
      LOG.debug("SSE stream ends [run: {}, cursor: {}, reason: {}]", runId, delivery.cursor(), reason);
      ended = true;
      finish();
      response.end();
    }
  }

  private void finish() {
    ended = true;
    delivery.stop();
    hub.leave(runId, live);
  }

}
