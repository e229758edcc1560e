package dev.arkloop.launcher.runs;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.launcher.RunEvents.waitForStatus;
import static dev.arkloop.launcher.TestNode.run;
import static dev.arkloop.launcher.TestNode.thread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.redis.RedisKeys;
import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.common.runs.RunStreams;
import dev.arkloop.common.testing.OutagePostgres;
import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.TestNode;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An SSE stream whose reads fail, or stop being answered, ends: an EventSource then reconnects with
 * Last-Event-ID and resumes. It never stays open and silent. The run's Redis stream is removed first
 * (as its expiry after the run would), so the reads go to PostgreSQL: a PostgreSQL of this test's own
 * that it locks, restarts and stops.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class SseOutageTest {
  private static OutagePostgres postgres;
  private static TestNode node;
  private static TestClient user;
  private static Redis redis;
  private static RunStreams streams;

  @BeforeAll
  static void start() {
    postgres = OutagePostgres.create();
    node = TestNode.start(postgres.endpoints(), Map.of("ARKLOOP_SSE_BATCH_LIMIT", "20"));
    node.register("root");
    user = node.register("ivan");
    redis = Redis.createClient(node.vertx(), node.endpoints().redisUrl());
    streams = new RunStreams(redis, new RedisKeys(node.config().infra().redisKeyPrefix()));
  }

  @AfterAll
  static void stop() {
    redis.close();
    node.close();
    postgres.close();
  }

  @Test
  void aReplayWhoseDatabaseStopsAnsweringEndsAndResumesFromItsLastEvent() throws Exception {
    String runId = finishedRun();
    try (Connection lock = lockRunEvents()) {
      SseClient replay = await(SseClient.open(node.vertx(), node.port(), "/v1/runs/" + runId + "/events?follow=false",
          user.headers()), 30);
      await(replay.ended(), 30);
      assertEquals("ended by the server", replay.endReason());
      lock.rollback();
    }
    List<SseClient.Frame> all = resume(runId, 0, "follow=false");
    assertGaplessToTheEnd(all);
  }

  @Test
  void aLiveStreamWhoseReadStopsBeingAnsweredEnds() throws Exception {
    String runId = run(user, thread(user, "/ask who is there?"));
    waitForStatus(user, runId, "waiting_for_input");
    removeRedisStream(runId);
    try (Connection lock = lockRunEvents()) {
      SseClient live = await(SseClient.open(node.vertx(), node.port(), "/v1/runs/" + runId + "/events",
          user.headers()), 30);
      assertEquals(200, live.status());
      await(live.ended(), 30);
      assertEquals("ended by the server", live.endReason());
      lock.rollback();
    }
    cancel(runId);
    List<SseClient.Frame> all = resume(runId, 0, "follow=true");
    assertEquals(EventTypes.CANCELLED, all.get(all.size() - 1).data().getString("type"));
  }

  @Test
  void aReplayRightAfterADatabaseRestartReachesTheEnd() throws Exception {
    String runId = finishedRun();
    postgres.restart();
    assertGaplessToTheEnd(resume(runId, 0, "follow=false"));
  }

  /** A completed run of some 60 events, with its Redis stream gone, so reading it means PostgreSQL. */
  private static String finishedRun() {
    String runId = run(user, thread(user, "/tokens 60"));
    waitForStatus(user, runId, "completed");
    removeRedisStream(runId);
    return runId;
  }

  private static void removeRedisStream(String runId) {
    await(redis.send(Request.cmd(Command.DEL).arg(streams.streamKey(UUID.fromString(runId)))));
  }

  /** Reads of run_events wait on this transaction until it ends: a database that no longer answers them. */
  private static Connection lockRunEvents() throws Exception {
    Connection connection = DriverManager.getConnection(postgres.database().jdbcUrl(),
        postgres.database().jdbcProperties());
    connection.setAutoCommit(false);
    try (Statement statement = connection.createStatement()) {
      statement.execute("LOCK TABLE run_events IN ACCESS EXCLUSIVE MODE");
    }
    return connection;
  }

  private static void cancel(String runId) {
    assertEquals(200, user.post("/v1/runs/" + runId + "/cancel", new io.vertx.core.json.JsonObject()).statusCode());
  }

  /** What an EventSource does after the stream ended: reconnect with Last-Event-ID. */
  private static List<SseClient.Frame> resume(String runId, long lastEventId, String query) {
    Map<String, String> headers = new HashMap<>(user.headers());
    headers.put("Last-Event-ID", String.valueOf(lastEventId));
    SseClient again = await(SseClient.open(node.vertx(), node.port(), "/v1/runs/" + runId + "/events?" + query,
        headers), 30);
    await(again.ended(), 30);
    return again.frames();
  }

  private static void assertGaplessToTheEnd(List<SseClient.Frame> frames) {
    assertTrue(frames.size() > 20, "more than one batch: " + frames.size());
    for (int i = 0; i < frames.size(); i++) {
      assertEquals(i + 1, frames.get(i).id(), "gapless, in order, once");
    }
    assertEquals(EventTypes.COMPLETED, frames.get(frames.size() - 1).data().getString("type"));
  }
}
