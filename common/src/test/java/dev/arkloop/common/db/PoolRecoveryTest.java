package dev.arkloop.common.db;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.OutagePostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Pooled connections die with the database: after the server ends them, the first read on the pool
 * still succeeds (it is sent again on a fresh connection), while a write is never sent twice.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PoolRecoveryTest {
  private static final int SIZE = 4;
  private static OutagePostgres postgres;
  private static Vertx vertx;
  private Pool pool;

  @BeforeAll
  static void startServer() {
    postgres = OutagePostgres.create();
    vertx = Vertx.vertx();
    TestInfraSql.execute(postgres, "CREATE TABLE IF NOT EXISTS pool_writes (id serial PRIMARY KEY, note text)");
  }

  @AfterAll
  static void stopServer() {
    await(vertx.close());
    postgres.close();
  }

  @BeforeEach
  void openPool() {
    pool = Pools.create(vertx, postgres.database(), SIZE);
    // every connection of the pool open and idle
    List<Future<?>> warm = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      warm.add(pool.query("SELECT pg_sleep(0.2)").execute());
    }
    await(Future.all(warm));
  }

  @AfterEach
  void closePool() {
    await(pool.close());
  }

  @Test
  void theFirstReadAfterTheServerEndedEverySessionSucceeds() {
    assertEquals(SIZE, postgres.terminateConnections());
    for (int i = 0; i < SIZE; i++) {
      assertEquals(1, await(pool.preparedQuery("SELECT $1::int AS one").execute(Tuple.of(1)))
          .iterator().next().getInteger("one"));
    }
  }

  @Test
  void theFirstReadAfterARestartSucceeds() {
    postgres.restart();
    assertEquals(1, await(pool.query("SELECT 1 AS one").execute()).iterator().next().getInteger("one"));
  }

  @Test
  void aWriteOnADeadConnectionIsNeverSentTwice() {
    postgres.terminateConnections();
    List<Throwable> failures = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      try {
        await(pool.query("INSERT INTO pool_writes (note) VALUES ('once')").execute());
      } catch (Throwable e) {
        failures.add(e);
      }
    }
    long written = Long.parseLong(TestInfraSql.value(postgres, "SELECT count(*) FROM pool_writes WHERE note = 'once'"));
    assertEquals(SIZE, written + failures.size(), "every insert was written once or failed, none twice: " + failures);
    assertTrue(failures.stream().allMatch(DatabaseFailures::closedConnection), failures.toString());
  }

  @Test
  void readsAreToldFromWrites() {
    assertTrue(ReadRetryingPool.isRead("  select 1"));
    assertTrue(ReadRetryingPool.isRead("SELECT seq FROM run_events"));
    assertTrue(!ReadRetryingPool.isRead("INSERT INTO x SELECT 1"));
    assertTrue(!ReadRetryingPool.isRead("WITH lease AS (SELECT 1) INSERT INTO run_events SELECT 1"));
    assertTrue(!ReadRetryingPool.isRead("UPDATE jobs SET status = 'queued'"));
  }

  /** Plain JDBC against the test's own server. */
  private static final class TestInfraSql {
    static void execute(OutagePostgres server, String sql) {
      dev.arkloop.common.testing.TestInfra.execute(server.database(), sql);
    }

    static String value(OutagePostgres server, String sql) {
      return dev.arkloop.common.testing.TestInfra.queryValue(server.database(), sql);
    }
  }

  @Test
  void noConnectionFreeWithinThePoolsWaitIsTheDatabaseBeingUnavailable() {
    Pool single = PgBuilder.pool().with(new PoolOptions().setMaxSize(1).setConnectionTimeout(1))
        .connectingTo(postgres.database().connectOptions()).using(vertx).build();
    try {
      SqlConnection held = await(single.getConnection());
      Throwable refused = await(single.query("SELECT 1").execute().map(rows -> (Throwable) null)
          .otherwise(failure -> failure));
      assertNotNull(refused, "the only connection was held, so the query could not run");
      assertTrue(DatabaseFailures.poolTimedOut(refused), refused.toString());
      assertTrue(DatabaseFailures.unavailable(refused));
      await(held.close());
    } finally {
      await(single.close());
    }
  }
}
