package dev.arkloop.common.testing;

import dev.arkloop.common.db.DatabaseUrl;
import dev.arkloop.common.db.Migrations;
import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.infra.NodeEndpoints;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * A PostgreSQL server of one test class's own, which the test may stop, start again (same data, same
 * port) or cut connections of, to show what clients see during and after an outage. The shared
 * per-JVM server of {@link TestInfra} is never touched. Redis stays the shared one.
 */
public final class OutagePostgres implements AutoCloseable {
  private final Path dataDir;
  private final int port;
  private final DatabaseUrl database;
  private final String schemaVersion;
  private EmbeddedPostgres server;

  private OutagePostgres(Path dataDir, int port) {
    this.dataDir = dataDir;
    this.port = port;
    start();
    this.database = DatabaseUrl.local(port, "arkloop");
    TestInfra.execute(database.withDatabase("postgres"), "CREATE DATABASE arkloop");
    this.schemaVersion = new Migrations(database).migrate();
  }

  /** A new server with a migrated, empty {@code arkloop} database. */
  public static OutagePostgres create() {
    try {
      return new OutagePostgres(TestInfra.tempDir("arkloop-outage-pg"), EmbeddedInfrastructure.freePort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public DatabaseUrl database() {
    return database;
  }

  /** This database with the shared test Redis. */
  public NodeEndpoints endpoints() {
    return new NodeEndpoints(database, TestInfra.get().redisUrl(), schemaVersion);
  }

  /** Stops the server (fast shutdown: sessions are ended). Blocking. */
  public synchronized void stop() {
    if (server != null) {
      try {
        server.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        server = null;
      }
    }
  }

  /** Starts the server again on the same data directory and port. Blocking. */
  public synchronized void start() {
    if (server == null) {
      try {
        server = EmbeddedInfrastructure.startPostgres(dataDir, port, false);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  public void restart() {
    stop();
    start();
  }

  /** Ends every other session of the {@code arkloop} database, as a server-side kill does; returns how many. */
  public int terminateConnections() {
    String ended = TestInfra.queryValue(database.withDatabase("postgres"), "SELECT count(pg_terminate_backend(pid)) "
        + "FROM pg_stat_activity WHERE datname = 'arkloop' AND pid <> pg_backend_pid()");
    return Integer.parseInt(ended);
  }

  @Override
  public void close() {
    stop();
  }
}
