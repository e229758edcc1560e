package dev.arkloop.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.db.DatabaseUrl;
import dev.arkloop.common.db.Migrations;
import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * PostgreSQL and Redis outages as clients see them: this class starts its own embedded servers (so
 * stopping them affects no other test class), stops one, expects quick 503 {@code unavailable}
 * answers with one log line each, starts it again on the same data and port, and expects service back.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 180, timeUnit = TimeUnit.SECONDS)
class DependencyOutageTest {
  private static final List<ILoggingEvent> logged = new CopyOnWriteArrayList<>();
  private static AppenderBase<ILoggingEvent> appender;
  private static Path pgDir;
  private static int pgPort;
  private static EmbeddedPostgres postgres;
  private static Path redisDir;
  private static int redisPort;
  private static RedisServer redis;
  private static User alice;

  @BeforeAll
  static void start(Vertx vertx) throws Exception {
    pgDir = TestInfra.tempDir("arkloop-outage-pg");
    postgres = EmbeddedInfrastructure.startPostgres(pgDir, 0, false);
    pgPort = postgres.getPort();
    redisDir = TestInfra.tempDir("arkloop-outage-redis");
    redisPort = EmbeddedInfrastructure.freePort();
    redis = EmbeddedInfrastructure.startRedis(redisDir, redisPort);
    DatabaseUrl database = DatabaseUrl.local(pgPort, "postgres");
    String schema = new Migrations(database).migrate();
    NodeEndpoints endpoints = new NodeEndpoints(database, "redis://127.0.0.1:" + redisPort, schema);
    ApiTestNode node = ApiTestNode.start(vertx, endpoints, TestAccounts.NO_RATE_LIMITS);
    alice = TestUsers.register(node.client(), "alice");
    assertEquals(200, alice.client().get("/v1/threads").statusCode());

    appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        logged.add(event);
      }
    };
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  @AfterAll
  static void stop() throws Exception {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
    if (redis != null) {
      redis.stop();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  /** Asserts a quick 503 for {@code reason} and that its trace id was logged once, without a stack trace. */
  private static void assertUnavailable(String reason) {
    long started = System.nanoTime();
    HttpResponse<Buffer> response = alice.client().get("/v1/threads");
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertEquals(503, response.statusCode(), response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("unavailable", body.getString("error"));
    assertEquals(reason, body.getJsonObject("details").getString("reason"));
    assertEquals("1", response.getHeader("Retry-After"));
    assertTrue(millis < 2_000, "answered after " + millis + " ms");
    String traceId = body.getString("trace_id");
    List<ILoggingEvent> lines = logged.stream()
        .filter(event -> event.getFormattedMessage().contains(traceId) && !event.getLoggerName().equals("arkloop.access"))
        .toList();
    assertEquals(1, lines.size(), () -> lines.stream().map(ILoggingEvent::getFormattedMessage).toList().toString());
    assertEquals(null, lines.get(0).getThrowableProxy(), "logged with a stack trace");
  }

  @Test
  void databaseOutageIs503AndServiceComesBack() throws Exception {
    postgres.close();
    postgres = null;
    for (int i = 0; i < 3; i++) {
      assertUnavailable("database_unavailable");
    }
    postgres = EmbeddedInfrastructure.startPostgres(pgDir, pgPort, false);
    awaitServing();
  }

  @Test
  void redisOutageIs503AndServiceComesBack() throws Exception {
    redis.stop();
    redis = null;
    for (int i = 0; i < 3; i++) {
      assertUnavailable("redis_unavailable");
    }
    redis = EmbeddedInfrastructure.startRedis(redisDir, redisPort);
    awaitServing();
  }

  private static void awaitServing() {
    int status = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (status != 200 && System.nanoTime() < deadline) {
      status = alice.client().get("/v1/threads").statusCode();
    }
    assertEquals(200, status, "service did not come back");
  }
}
