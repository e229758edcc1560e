package dev.arkloop.common.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/** Builds pooled Redis clients. Blocking reads (XREAD BLOCK) get their own dedicated connection. */
public final class RedisConnections {
  private RedisConnections() {}

  public static Redis pooled(Vertx vertx, String url) {
    return Redis.createClient(vertx, new RedisOptions()
        .setType(RedisClientType.STANDALONE)
        .setConnectionString(url)
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(10_000)
        .setMaxWaitingHandlers(100_000)
        .setPoolRecycleTimeout(15_000));
  }
}
