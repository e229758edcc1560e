package dev.arkloop.common.testing;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.config.ConfigLoader;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.db.DatabaseUrl;
import dev.arkloop.common.db.Migrations;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.infra.NodeEndpoints;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import redis.embedded.RedisServer;

/**
 * The shared test infrastructure: one PostgreSQL and one Redis per test JVM, a fresh database and
 * Redis key prefix per test class.
 *
 * <p>By default both are the embedded servers the product itself uses. {@code ARKLOOP_TEST_DATABASE_URL}
 * and {@code ARKLOOP_TEST_REDIS_URL} point tests at existing servers instead; {@code
 * ARKLOOP_TEST_INFRA=containers} starts them with Testcontainers (needs a Docker engine).
 */
public final class TestInfra {
  private static final String TEMPLATE = "arkloop_tpl_" + Ids.randomHex(4);
  private static TestInfra instance;

  private final DatabaseUrl server;
  private final String redisUrl;
  private final String schemaVersion;

  private TestInfra(DatabaseUrl server, String redisUrl) {
    this.server = server;
    this.redisUrl = redisUrl;
    execute(server.withDatabase("postgres"), "CREATE DATABASE " + TEMPLATE);
    this.schemaVersion = new Migrations(server.withDatabase(TEMPLATE)).migrate();
  }

  public static synchronized TestInfra get() {
    if (instance == null) {
      instance = start();
    }
    return instance;
  }

  /** A new, migrated, empty database for one test class. */
  public DatabaseUrl newDatabase() {
    String name = "arkloop_t_" + Ids.randomHex(6);
    execute(server.withDatabase("postgres"), "CREATE DATABASE " + name + " TEMPLATE " + TEMPLATE);
    return server.withDatabase(name);
  }

  /** A Redis key prefix no other test class uses. */
  public String newKeyPrefix() {
    return "t" + Ids.randomHex(4) + ":";
  }

  public String redisUrl() {
    return redisUrl;
  }

  public String schemaVersion() {
    return schemaVersion;
  }

  /** Endpoints for one test class: its own database, the shared Redis. */
  public NodeEndpoints newEndpoints() {
    return new NodeEndpoints(newDatabase(), redisUrl, schemaVersion);
  }

  /**
   * A node configuration for tests: the given endpoints, a fresh key prefix, an ephemeral HTTP port,
   * plus any {@code ARKLOOP_*} overrides.
   */
  public ArkloopConfig config(NodeEndpoints endpoints, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>();
    env.put("ARKLOOP_DATABASE_URL", endpoints.database().toUrl());
    env.put("ARKLOOP_REDIS_URL", endpoints.redisUrl());
    env.put("ARKLOOP_REDIS_KEY_PREFIX", newKeyPrefix());
    env.put("ARKLOOP_API_ADDR", "127.0.0.1:0");
    env.put("ARKLOOP_API_INSTANCES", "1");
    env.put("ARKLOOP_DB_POOL_SIZE", "8");
    env.put("ARKLOOP_DATA_DIR", tempDir("arkloop-test-data").toString());
    env.put("ARKLOOP_AUTH_JWT_SECRET", "test-secret-" + Ids.randomHex(16));
    env.put("ARKLOOP_ENCRYPTION_KEY", SecretBox.generateKey());
    env.put("ARKLOOP_METRICS_ADDR", "127.0.0.1:0");
    env.putAll(overrides);
    return ConfigLoader.load(env, List.of());
  }

  public static void execute(DatabaseUrl database, String sql) {
    try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.jdbcProperties());
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  /** The first column of the first row of {@code sql}, as text (null when no row). */
  public static String queryValue(DatabaseUrl database, String sql) {
    try (Connection connection = DriverManager.getConnection(database.jdbcUrl(), database.jdbcProperties());
        Statement statement = connection.createStatement();
        java.sql.ResultSet rows = statement.executeQuery(sql)) {
      return rows.next() ? rows.getString(1) : null;
    } catch (SQLException e) {
      throw new IllegalStateException(sql + ": " + e.getMessage(), e);
    }
  }

  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static TestInfra start() {
    String databaseUrl = System.getenv("ARKLOOP_TEST_DATABASE_URL");
    String redisUrl = System.getenv("ARKLOOP_TEST_REDIS_URL");
    if ("containers".equals(System.getenv("ARKLOOP_TEST_INFRA"))) {
      return startContainers();
    }
    try {
      DatabaseUrl database;
      if (databaseUrl != null && !databaseUrl.isBlank()) {
        database = DatabaseUrl.parse(databaseUrl);
      } else {
        EmbeddedPostgres postgres = EmbeddedInfrastructure.startPostgres(tempDir("arkloop-test-pg"), 0, false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> closeQuietly(postgres)));
        database = DatabaseUrl.local(postgres.getPort(), "postgres");
      }
      if (redisUrl == null || redisUrl.isBlank()) {
        int port = EmbeddedInfrastructure.freePort();
        RedisServer redis = EmbeddedInfrastructure.startRedis(tempDir("arkloop-test-redis"), port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stopQuietly(redis)));
        redisUrl = "redis://127.0.0.1:" + port;
      }
      return new TestInfra(database, redisUrl);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("resource")
  private static TestInfra startContainers() {
    GenericContainer<?> postgres = new GenericContainer<>("postgres:16-alpine")
        .withEnv("POSTGRES_HOST_AUTH_METHOD", "trust")
        .withExposedPorts(5432)
        .waitingFor(Wait.forLogMessage(".*database system is ready to accept connections.*", 2));
    GenericContainer<?> redis = new GenericContainer<>("redis:7-alpine").withExposedPorts(6379);
    postgres.start();
    redis.start();
    return new TestInfra(
        new DatabaseUrl(postgres.getHost(), postgres.getMappedPort(5432), "postgres", "postgres", null, null),
        "redis://" + redis.getHost() + ":" + redis.getMappedPort(6379));
  }

  private static void closeQuietly(EmbeddedPostgres postgres) {
    try {
      postgres.close();
    } catch (IOException ignored) {
      // the JVM is exiting
    }
  }

  private static void stopQuietly(RedisServer redis) {
    try {
      redis.stop();
    } catch (IOException ignored) {
      // the JVM is exiting
    }
  }
}
