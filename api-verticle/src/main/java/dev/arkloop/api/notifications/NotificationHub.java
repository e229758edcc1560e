package dev.arkloop.api.notifications;

import dev.arkloop.api.live.PubSub;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.notifications.NotificationChannels;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live notifications for one API verticle: the users with an open stream here have their channel
 * subscribed on the verticle's one pub/sub connection (shared with the run tails), the broadcast
 * channel is always subscribed, and one timer ticks every stream for its heartbeat.
 */
final class NotificationHub {
  private static final Logger LOG = LoggerFactory.getLogger(NotificationHub.class);
  static final long TICK_MS = 250;
  private final Vertx vertx;
  private final PubSub pubSub;
  private final NotificationChannels channels;
  private final NotificationRepository repository;
  private final Map<UUID, Set<NotificationStream>> streams = new HashMap<>();
  private long ticker = -1;

  NotificationHub(Vertx vertx, PubSub pubSub, NotificationChannels channels, NotificationRepository repository) {
    this.vertx = vertx;
    this.pubSub = pubSub;
    this.channels = channels;
    this.repository = repository;
    pubSub.subscribe(channels.broadcastChannel(), this::broadcastBatch);
    pubSub.onReconnect(() -> all().forEach(NotificationStream::resync));
  }

  void join(UUID userId, NotificationStream stream) {
    Set<NotificationStream> ofUser = streams.computeIfAbsent(userId, id -> new LinkedHashSet<>());
    if (ofUser.isEmpty()) {
      pubSub.subscribe(channels.userChannel(userId), payload -> deliver(userId, new JsonObject(payload)));
    }
    ofUser.add(stream);
    if (ticker == -1) {
      ticker = vertx.setPeriodic(TICK_MS, t -> {
        long now = System.currentTimeMillis();
        all().forEach(s -> s.tick(now));
      });
    }
  }

  void leave(UUID userId, NotificationStream stream) {
    Set<NotificationStream> ofUser = streams.get(userId);
    if (ofUser != null && ofUser.remove(stream) && ofUser.isEmpty()) {
      streams.remove(userId);
      pubSub.unsubscribe(channels.userChannel(userId));
    }
    if (streams.isEmpty() && ticker != -1) {
      vertx.cancelTimer(ticker);
      ticker = -1;
    }
  }

  void close() {
    all().forEach(NotificationStream::close);
    streams.clear();
    vertx.cancelTimer(ticker);
  }

  private List<NotificationStream> all() {
    List<NotificationStream> all = new ArrayList<>();
    streams.values().forEach(all::addAll);
    return all;
  }

  private void deliver(UUID userId, JsonObject notification) {
    Set<NotificationStream> ofUser = streams.get(userId);
    if (ofUser != null) {
      List.copyOf(ofUser).forEach(stream -> stream.live(notification));
    }
  }

  /** A committed batch of a broadcast: its notifications of the users listening here come from PostgreSQL. */
  private void broadcastBatch(String payload) {
    JsonObject batch = new JsonObject(payload);
    UUID broadcastId = Ids.parseUuid(batch.getString("broadcast_id"));
    String after = batch.getString("after_user_id");
    String last = batch.getString("last_user_id");
    // canonical UUID strings compare like PostgreSQL compares uuids (byte by byte)
    List<UUID> listening = streams.keySet().stream().filter(user -> {
      String id = user.toString();
      return (after == null || id.compareTo(after) > 0) && id.compareTo(last) <= 0;
    }).toList();
    if (broadcastId == null || listening.isEmpty()) {
      return;
    }
    repository.ofBroadcast(broadcastId, listening)
        .onSuccess(entries -> entries.forEach(entry -> deliver(UUID.fromString(entry.json().getString("user_id")),
            entry.json())))
        .onFailure(e -> LOG.warn("broadcast batch not read [broadcast: {}]: {}", broadcastId, e.toString()));
  }
}
