package dev.arkloop.common.notifications;

import dev.arkloop.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.UUID;

/**
 * The live path of notifications: a Redis pub/sub channel per user carrying each new notification,
 * and one channel announcing each committed broadcast batch (a range of user ids), so that API nodes
 * read that batch's notifications of their own listeners from PostgreSQL instead of receiving one
 * message per user. Redis may lose either; PostgreSQL is the truth and serves replays.
 */
public final class NotificationChannels {
  private final Redis redis;
  private final RedisKeys keys;

  public NotificationChannels(Redis redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  public String userChannel(UUID userId) {
    return keys.key("notify", "user", userId.toString());
  }

  public String broadcastChannel() {
    return keys.key("notify", "broadcasts");
  }

  public Future<Void> publish(UUID userId, JsonObject notification) {
    return redis.send(Request.cmd(Command.PUBLISH).arg(userChannel(userId)).arg(notification.encode())).mapEmpty();
  }

  /** Users with {@code afterUserId < id <= lastUserId} (null = from the first) got the broadcast. */
  public Future<Void> publishBroadcastBatch(UUID broadcastId, UUID afterUserId, UUID lastUserId) {
    JsonObject batch = new JsonObject().put("broadcast_id", broadcastId.toString())
        .put("after_user_id", afterUserId == null ? null : afterUserId.toString())
        .put("last_user_id", lastUserId.toString());
    return redis.send(Request.cmd(Command.PUBLISH).arg(broadcastChannel()).arg(batch.encode())).mapEmpty();
  }
}
