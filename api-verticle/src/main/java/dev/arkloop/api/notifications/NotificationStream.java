package dev.arkloop.api.notifications;

import dev.arkloop.api.live.SseResponse;
import dev.arkloop.api.threads.ThreadCursor;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SSE client of a user's notifications. It joins the hub first (so nothing committed meanwhile
 * slips by), replays from PostgreSQL what came after its cursor (the {@code Last-Event-ID}
 * notification, else the newest one at connect time), then writes live ones. Live notifications
 * that arrive during a replay wait for it; ids already written are never written again. After a
 * pub/sub reconnect it replays from its cursor again.
 */
final class NotificationStream {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationStream.class);
  /** Ids written recently, to drop a notification seen both live and in a replay. */
  private static final int REMEMBERED = 1024;
  private final HttpServerResponse response;
  private final NotificationHub hub;
  private final NotificationRepository repository;
  private final UUID userId;
  private final int batchLimit;
  private final long heartbeatMs;
  private final LinkedHashSet<String> written = new LinkedHashSet<>();
  private final List<JsonObject> held = new ArrayList<>();
  private ThreadCursor cursor;
  private boolean replaying;
  private boolean replayAgain;
  private boolean ended;
  private long lastWrite = System.currentTimeMillis();

  NotificationStream(HttpServerResponse response, NotificationHub hub, NotificationRepository repository,
      UUID userId, int batchLimit, int heartbeatSeconds) {
    this.response = response;
    this.hub = hub;
    this.repository = repository;
    this.userId = userId;
    this.batchLimit = batchLimit;
    this.heartbeatMs = heartbeatSeconds * 1000L;
  }

  /** {@code from}: where the client left off, or null for "from now on". */
  void start(ThreadCursor from) {
    SseResponse.open(response);
    response.closeHandler(v -> close());
    response.write(SseResponse.PING);
    hub.join(userId, this);
    replaying = true;
    (from != null ? Future.succeededFuture(from) : repository.newest(userId)).onComplete(start -> {
      if (start.failed()) {
        fail(start.cause());
        return;
      }
      cursor = start.result();
      replay();
    });
  }

  void live(JsonObject notification) {
    if (ended) {
      return;
    }
    if (replaying) {
      held.add(notification);
    } else {
      write(notification);
    }
  }

  /** Something may have been missed (the pub/sub connection came back): read PostgreSQL again. */
  void resync() {
    if (ended || cursor == null) {
      return;
    }
    if (replaying) {
      replayAgain = true;
      return;
    }
    replaying = true;
    replay();
  }

  void tick(long now) {
    if (!ended && now - lastWrite >= heartbeatMs && !response.writeQueueFull()) {
      response.write(SseResponse.PING);
      lastWrite = now;
    }
  }

  void close() {
    if (!ended) {
      ended = true;
      hub.leave(userId, this);
    }
  }

  private void replay() {
    if (ended) {
      return;
    }
    repository.after(userId, cursor, batchLimit).onComplete(batch -> {
      if (batch.failed()) {
        fail(batch.cause());
        return;
      }
      for (NotificationRepository.Entry entry : batch.result()) {
        write(entry.json());
        cursor = entry.position();
      }
      if (batch.result().size() >= batchLimit || replayAgain) {
        replayAgain = false;
        replay();
        return;
      }
      replaying = false;
      List<JsonObject> waiting = List.copyOf(held);
      held.clear();
      waiting.forEach(this::write);
    });
  }

  private void write(JsonObject notification) {
    String id = notification.getString("id");
    if (ended || !written.add(id)) {
      return;
    }
    if (written.size() > REMEMBERED) {
      written.remove(written.iterator().next());
    }
    response.write(SseResponse.frame(id, notification.encode()));
    lastWrite = System.currentTimeMillis();
  }

  private void fail(Throwable cause) {
    LOG.warn("notification stream failed [user: {}]: {}", userId, cause.toString());
    close();
    response.end();
  }
}
