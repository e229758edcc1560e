package dev.arkloop.common.db;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/**
 * Builds the reactive PostgreSQL pool. The pool is shared by name: every verticle instance of a node
 * that asks for it gets the same connections, spread over the node's event loops, so the pool size
 * is per node and closes when the last verticle using it stops. Bursts (thousands of SSE clients
 * connecting at once) queue for a connection for up to 30 s rather than fail.
 */
public final class Pools {
  private Pools() {}

  public static Pool create(Vertx vertx, DatabaseUrl database, int maxSize) {
    return PgBuilder.pool()
        .with(new PoolOptions()
            .setMaxSize(maxSize)
            .setMaxWaitQueueSize(10_000)
            .setConnectionTimeout(30)
            .setShared(true)
            .setName("arkloop-pg-" + database.host() + ":" + database.port() + "/" + database.database())
            .setEventLoopSize(Runtime.getRuntime().availableProcessors()))
        // an unreachable database must fail requests quickly (503), not hold them for the default 60 s
        .with(new NetClientOptions().setConnectTimeout(1_000))
        .connectingTo(database.connectOptions())
        .using(vertx)
        .build();
  }
}
