package dev.arkloop.common.redis;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;

/** Builds pooled Redis clients. Blocking reads (XREAD BLOCK) get their own dedicated connection. */
public final class RedisConnections {
  private RedisConnections() {}

  public static Redis pooled(Vertx vertx, String url) {
    RedisOptions options = new RedisOptions()
        .setType(RedisClientType.STANDALONE)
        .setConnectionString(url)
        .setMaxPoolSize(16)
        .setMaxPoolWaiting(10_000)
        .setMaxWaitingHandlers(100_000)
        .setPoolRecycleTimeout(15_000);
    // an unreachable Redis must fail requests quickly (503), not hold them for the default 60 s
    options.getNetClientOptions().setConnectTimeout(1_000);
    return Redis.createClient(vertx, options);
  }
}
