package dev.arkloop.api.health;

import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import java.util.concurrent.TimeUnit;

/**
 * Ready means: PostgreSQL answers, its schema is at the version this build expects, and Redis
 * answers. Each probe is bounded so a dead dependency gives a quick 503, never a hang.
 */
final class ReadinessCheck {
  private static final long TIMEOUT_MS = 2_000;
  private static final String SCHEMA_VERSION_SQL = """
      SELECT version FROM flyway_schema_history
      WHERE success AND version IS NOT NULL
      ORDER BY installed_rank DESC LIMIT 1""";

  private final Pool pool;
  private final Redis redis;
  private final String expectedVersion;

  ReadinessCheck(Pool pool, Redis redis, String expectedVersion) {
    this.pool = pool;
    this.redis = redis;
    this.expectedVersion = expectedVersion;
  }

  /** The schema version when ready; otherwise fails with the reason. */
  Future<String> check() {
    Future<String> schema = pool.query(SCHEMA_VERSION_SQL).execute()
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(new IllegalStateException("database unreachable")))
        .compose(rows -> {
          RowIterator<Row> iterator = rows.iterator();
          String version = iterator.hasNext() ? iterator.next().getString("version") : null;
          if (!expectedVersion.equals(version)) {
            return Future.failedFuture(new IllegalStateException(
                "schema version " + version + " differs from expected " + expectedVersion));
          }
          return Future.succeededFuture(version);
        });
    Future<Void> ping = redis.send(Request.cmd(io.vertx.redis.client.Command.PING))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty()
        .recover(e -> Future.failedFuture(new IllegalStateException("redis unreachable")));
    return Future.join(schema, ping).transform(done -> schema.failed() ? schema : ping.failed()
        ? Future.failedFuture(ping.cause()) : schema);
  }
}
