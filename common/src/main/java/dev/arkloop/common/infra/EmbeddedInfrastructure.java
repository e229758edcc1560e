package dev.arkloop.common.infra;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.db.DatabaseUrl;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * PostgreSQL and Redis started and owned by this process, from binaries shipped in Maven artifacts,
 * keeping their data under the data directory so a restart finds everything again.
 */
public final class EmbeddedInfrastructure implements Infrastructure {
  public static final String DATABASE_NAME = "arkloop";
  static final String REDIS_PORT_FILE = "port";
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedInfrastructure.class);

  private final EmbeddedPostgres postgres;
  private final RedisServer redis;
  private final DatabaseUrl database;
  private final String redisUrl;

  private EmbeddedInfrastructure(EmbeddedPostgres postgres, RedisServer redis, DatabaseUrl database, String redisUrl) {
    this.postgres = postgres;
    this.redis = redis;
    this.database = database;
    this.redisUrl = redisUrl;
  }

  /** Starts whichever of the two has no external URL configured. Blocking. */
  static EmbeddedInfrastructure start(Path dataDir, ArkloopConfig.Infra infra) {
    EmbeddedPostgres postgres = null;
    RedisServer redis = null;
    try {
      DatabaseUrl database;
      if (infra.embeddedDatabase()) {
        postgres = startPostgres(dataDir.resolve("postgres"), infra.embeddedPgPort(), true);
        database = DatabaseUrl.local(postgres.getPort(), DATABASE_NAME);
        createDatabaseIfMissing(database);
      } else {
        database = DatabaseUrl.parse(infra.databaseUrl());
      }
      String redisUrl;
      if (infra.embeddedRedis()) {
        Path redisDir = dataDir.resolve("redis");
        OrphanedServers.stopRedis(redisDir);
        int port = redisPort(redisDir, infra.embeddedRedisPort());
        try {
          redis = startRedis(redisDir, port);
        } catch (IOException e) {
          throw new IOException("embedded Redis did not start on port " + port + " (the port of "
              + redisDir.resolve(REDIS_PORT_FILE) + "; set ARKLOOP_EMBEDDED_REDIS_PORT to change it): " + e.getMessage(), e);
        }
        redisUrl = "redis://127.0.0.1:" + port;
      } else {
        redisUrl = infra.redisUrl();
      }
      return new EmbeddedInfrastructure(postgres, redis, database, redisUrl);
    } catch (RuntimeException | IOException e) {
      stopQuietly(postgres, redis);
      throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
    }
  }

  /**
   * A PostgreSQL server with its data in {@code dataDir} (created on first start, reused after).
   * {@code durable} keeps {@code synchronous_commit} on: a commit the API acknowledged survives a
   * crash. Throwaway test servers turn it off for speed.
   */
  public static EmbeddedPostgres startPostgres(Path dataDir, int port, boolean durable) throws IOException {
    Files.createDirectories(dataDir);
    OrphanedServers.stopPostgres(dataDir);
    LOG.info("starting embedded PostgreSQL [data: {}]", dataDir);
    return EmbeddedPostgres.builder()
        .setDataDirectory(dataDir)
        .setCleanDataDirectory(false)
        .setRegisterShutdownHook(false)
        .setPort(port)
        .setPGStartupWait(Duration.ofSeconds(60))
        .setServerConfig("max_connections", "300")
        .setServerConfig("synchronous_commit", durable ? "on" : "off")
        .setServerConfig("listen_addresses", "127.0.0.1")
        .start();
  }

  /** A Redis server with append-only persistence in {@code dataDir}. */
  public static RedisServer startRedis(Path dataDir, int port) throws IOException {
    Files.createDirectories(dataDir);
    LOG.info("starting embedded Redis [port: {}, data: {}]", port, dataDir);
    RedisServer server = RedisServer.newRedisServer()
        .port(port)
        .bind("127.0.0.1")
        .setting("dir " + dataDir.toAbsolutePath())
        .setting("pidfile " + dataDir.toAbsolutePath().resolve(OrphanedServers.REDIS_PID_FILE))
        .setting("appendonly yes")
        .setting("save \"\"")
        .setting("protected-mode yes")
        .onShutdownForceStop(true)
        .build();
    server.start();
    return server;
  }

  /**
   * One port per data directory, kept in it: a Redis that outlived its node is then found on the
   * port it always had, and a second Redis can never start beside it on the same append-only file
   * (it fails to bind instead). A configured port wins and is kept for later starts.
   */
  static int redisPort(Path redisDir, int configured) throws IOException {
    Files.createDirectories(redisDir);
    Path file = redisDir.resolve(REDIS_PORT_FILE);
    int port = configured;
    if (port == 0 && Files.exists(file)) {
      String kept = Files.readString(file).strip();
      if (kept.matches("\\d{1,5}") && Integer.parseInt(kept) > 0 && Integer.parseInt(kept) < 65536) {
        port = Integer.parseInt(kept);
      }
    }
    if (port == 0) {
      port = freePort();
    }
    Files.writeString(file, port + "\n");
    return port;
  }

  public static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  static void createDatabaseIfMissing(DatabaseUrl database) {
    DatabaseUrl admin = database.withDatabase("postgres");
    try (Connection connection = DriverManager.getConnection(admin.jdbcUrl(), admin.jdbcProperties());
        PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      exists.setString(1, database.database());
      try (ResultSet rows = exists.executeQuery()) {
        if (!rows.next()) {
          connection.createStatement().execute("CREATE DATABASE \"" + database.database() + "\"");
        }
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot create database " + database.database() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public DatabaseUrl database() {
    return database;
  }

  @Override
  public String redisUrl() {
    return redisUrl;
  }

  @Override
  public void close() {
    stopQuietly(postgres, redis);
  }

  private static void stopQuietly(EmbeddedPostgres postgres, RedisServer redis) {
    if (redis != null) {
      try {
        redis.stop();
      } catch (IOException | RuntimeException e) {
        LOG.warn("embedded Redis did not stop cleanly: {}", e.toString());
      }
    }
    if (postgres != null) {
      try {
        postgres.close();
      } catch (IOException | RuntimeException e) {
        LOG.warn("embedded PostgreSQL did not stop cleanly: {}", e.toString());
      }
    }
  }
}
