package dev.arkloop.api.auth;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;

/**
 * Fixed-window counters in Redis, shared by every API node. Over the limit: 429 {@code rate_limit}
 * with the limit's name in {@code details.reason} and {@code Retry-After} until the window ends.
 */
public final class RateLimiter {
  private final Redis redis;
  private final RedisKeys keys;

  public RateLimiter(Redis redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  /** Counts one hit in {@code bucket}; fails when more than {@code limit} hits fell in this window. */
  public Future<Void> hit(String reason, String bucket, int limit, int windowSeconds) {
    return hitWith(reason, bucket, limit, windowSeconds, List.of()).mapEmpty();
  }

  /**
   * {@link #hit}, with {@code alongside} sent in the same round trip (a request's other Redis reads);
   * completes with their replies once the hit is within the limit.
   */
  public Future<List<Response>> hitWith(String reason, String bucket, int limit, int windowSeconds,
      List<Request> alongside) {
    long now = System.currentTimeMillis() / 1000;
    long window = now / windowSeconds;
    String key = keys.key("rl", reason, bucket, String.valueOf(window));
    List<Request> batch = new ArrayList<>(alongside.size() + 2);
    batch.add(Request.cmd(Command.INCR).arg(key));
    batch.add(Request.cmd(Command.EXPIRE).arg(key).arg(windowSeconds + 1));
    batch.addAll(alongside);
    return redis.batch(batch)
        .compose(replies -> {
          long count = replies.get(0).toLong();
          if (count > limit) {
            long retryAfter = Math.max(1, (window + 1) * windowSeconds - now);
            return Future.failedFuture(tooMany(reason, retryAfter));
          }
          return Future.succeededFuture(replies.subList(2, replies.size()));
        });
  }

  /** How many hits {@code bucket} holds in this window, without counting one. */
  public Future<Long> count(String reason, String bucket, int windowSeconds) {
    long window = System.currentTimeMillis() / 1000 / windowSeconds;
    return redis.send(Request.cmd(Command.GET).arg(keys.key("rl", reason, bucket, String.valueOf(window))))
        .map(reply -> reply == null ? 0L : reply.toLong());
  }

  public static ApiException tooMany(String reason, long retryAfterSeconds) {
    return new ApiException(429, "rate_limit", "too many requests",
        new JsonObject().put("reason", reason).put("retry_after_seconds", retryAfterSeconds));
  }
}
