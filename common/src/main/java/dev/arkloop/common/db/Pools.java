package dev.arkloop.common.db;

import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/**
 * Builds the reactive PostgreSQL pool. The pool is shared by name: every verticle instance of a node
 * that asks for it gets the same connections, spread over the node's event loops, so the pool size
 * is per node and closes when the last verticle using it stops. Bursts (thousands of SSE clients
 * connecting at once) queue for a connection for up to 30 s rather than fail.
 *
 * <p>Dead connections are not kept around to be handed out: a connection the server closed leaves
 * the pool as soon as the close is seen; idle connections are closed after {@link #IDLE_SECONDS} and
 * every connection is replaced after {@link #MAX_LIFETIME_SECONDS}, so one that died silently (a
 * dropped route, a firewall that forgot it) does not wait in the pool; TCP keep-alive finds those
 * under load too. A read that still lands on a dead connection is sent again
 * ({@link ReadRetryingPool}).
 */
public final class Pools {
  static final int IDLE_SECONDS = 60;
  static final int MAX_LIFETIME_SECONDS = 30 * 60;

  private Pools() {}

  public static Pool create(Vertx vertx, DatabaseUrl database, int maxSize) {
    return new ReadRetryingPool(vertx, PgBuilder.pool()
        .with(new PoolOptions()
            .setMaxSize(maxSize)
            .setMaxWaitQueueSize(10_000)
            .setConnectionTimeout(30)
            .setIdleTimeout(IDLE_SECONDS)
            .setIdleTimeoutUnit(TimeUnit.SECONDS)
            .setMaxLifetime(MAX_LIFETIME_SECONDS)
            .setMaxLifetimeUnit(TimeUnit.SECONDS)
            .setShared(true)
            .setName("arkloop-pg-" + database.host() + ":" + database.port() + "/" + database.database())
            .setEventLoopSize(Runtime.getRuntime().availableProcessors()))
        // an unreachable database must fail requests quickly (503), not hold them for the default 60 s
        .with(new NetClientOptions().setConnectTimeout(1_000).setTcpKeepAlive(true))
        .connectingTo(database.connectOptions())
        .using(vertx)
        .build());
  }
}
