package dev.arkloop.launcher;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import redis.embedded.RedisServer;

/**
 * Two API nodes and two worker nodes as separate JVMs, clustered over Hazelcast, sharing one
 * PostgreSQL and one Redis: runs cross nodes, and survive a killed worker, a killed API node and a
 * Redis restart with no gap and no duplicate in what clients see.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ClusterRunsIT {
  private static final String SECRET = "cluster-runs-secret-0123456789abcdef0123456789";
  private static NodeEndpoints shared;
  private static Path redisData;
  private static int redisPort;
  private static RedisServer redis;
  private static NodeProcess apiA;
  private static NodeProcess apiB;
  private static final List<NodeProcess> workers = new ArrayList<>();
  private static Vertx vertx;
  private static TestClient userOnA;
  private static TestClient userOnB;

  @BeforeAll
  static void startCluster() throws Exception {
    redisData = TestInfra.tempDir("arkloop-cluster-redis");
    redisPort = EmbeddedInfrastructure.freePort();
    redis = EmbeddedInfrastructure.startRedis(redisData, redisPort);
    NodeEndpoints base = TestInfra.get().newEndpoints();
    shared = new NodeEndpoints(base.database(), "redis://127.0.0.1:" + redisPort, base.schemaVersion());
    int clusterPort = 17000 + (int) (ProcessHandle.current().pid() % 1000) * 2;
    Map<String, String> env = new HashMap<>(Map.of(
        "ARKLOOP_DATABASE_URL", shared.database().toUrl(),
        "ARKLOOP_REDIS_URL", shared.redisUrl(),
        "ARKLOOP_AUTH_JWT_SECRET", SECRET,
        "ARKLOOP_ENCRYPTION_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        "ARKLOOP_CLUSTER_PORT", String.valueOf(clusterPort),
        "ARKLOOP_WORKER_LEASE_SECONDS", "3",
        "ARKLOOP_WORKER_HEARTBEAT_SECONDS", "1",
        "ARKLOOP_WORKER_POLL_SECONDS", "0.2",
        "ARKLOOP_API_INSTANCES", "1",
        "ARKLOOP_DATA_DIR", TestInfra.tempDir("arkloop-cluster-runs").toString()));
    workers.add(NodeProcess.startReady(env, EmbeddedInfrastructure.freePort(), "--cluster", "--role", "worker"));
    workers.add(NodeProcess.startReady(env, EmbeddedInfrastructure.freePort(), "--cluster", "--role", "worker"));
    apiA = NodeProcess.startReady(env, EmbeddedInfrastructure.freePort(), "--cluster", "--role", "api");
    apiB = NodeProcess.startReady(env, EmbeddedInfrastructure.freePort(), "--cluster", "--role", "api");
    apiB.awaitLog("nodes: 4", Duration.ofSeconds(30));

    vertx = Vertx.vertx();
    TestClient anonymous = new TestClient(vertx, apiA.port());
    anonymous.post("/v1/auth/register", new io.vertx.core.json.JsonObject().put("login", "root")
        .put("password", "correct horse battery").put("email", "root@example.com"));
    String token = anonymous.post("/v1/auth/register", new io.vertx.core.json.JsonObject().put("login", "carol")
            .put("password", "correct horse battery").put("email", "carol@example.com"))
        .bodyAsJsonObject().getString("access_token");
    userOnA = anonymous.withBearer(token);
    userOnB = new TestClient(vertx, apiB.port()).withBearer(token);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (NodeProcess node : List.of(apiA, apiB)) {
      node.close();
    }
    for (NodeProcess worker : workers) {
      worker.close();
    }
    if (vertx != null) {
      await(vertx.close());
    }
    redis.stop();
  }

  @Test
  @Order(1)
  void aRunCreatedOnOneApiNodeStreamsFromTheOther() {
    String runId = TestNode.run(userOnA, TestNode.thread(userOnA, "across nodes /tokens 40 /delay 5"));
    List<SseClient.Frame> frames = follow(apiB, runId, 0);
    assertComplete(frames, 1);
  }

  @Test
  @Order(2)
  void aKilledWorkersRunIsFinishedByTheOtherWorker() throws Exception {
    String runId = TestNode.run(userOnA, TestNode.thread(userOnA, "survive /tokens 200 /delay 25"));
    SseClient sse = open(apiA, runId, 0);
    long owner = awaitLeaseOwner(runId);
    NodeProcess victim = workers.stream().filter(w -> w.process().pid() == owner).findFirst().orElseThrow();
    awaitFrames(sse, 10);
    victim.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    workers.remove(victim);
    await(sse.ended(), 90);
    List<SseClient.Frame> frames = sse.frames();
    assertComplete(frames, 1);
    assertEquals("completed", status(runId));
  }

  @Test
  @Order(3)
  void clientsOfAKilledApiNodeResumeOnTheOtherWithoutGapOrDuplicate() throws Exception {
    String runId = TestNode.run(userOnA, TestNode.thread(userOnA, "reconnect /tokens 150 /delay 20"));
    SseClient onB = open(apiB, runId, 0);
    awaitFrames(onB, 10);
    apiB.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    await(onB.ended(), 30);
    List<SseClient.Frame> before = onB.frames();
    long lastSeen = before.get(before.size() - 1).id();
    SseClient onA = await(SseClient.open(vertx, apiA.port(), "/v1/runs/" + runId + "/events",
        withHeader(userOnA.headers(), "Last-Event-ID", String.valueOf(lastSeen))));
    await(onA.ended(), 60);
    List<SseClient.Frame> all = new ArrayList<>(before);
    all.addAll(onA.frames());
    assertComplete(all, 1);
  }

  @Test
  @Order(4)
  void aRedisRestartMidRunLosesNothing() throws Exception {
    String runId = TestNode.run(userOnA, TestNode.thread(userOnA, "redis blip /tokens 150 /delay 20"));
    SseClient sse = open(apiA, runId, 0);
    awaitFrames(sse, 10);
    redis.stop();
    long seqWhenRedisStopped = Long.parseLong(sql("SELECT max(seq) FROM run_events WHERE run_id = '" + runId + "'"));
    Await.until("the run to go on while Redis is down", 30, () -> Long.parseLong(
        sql("SELECT max(seq) FROM run_events WHERE run_id = '" + runId + "'")) >= seqWhenRedisStopped + 10);
    redis = EmbeddedInfrastructure.startRedis(redisData, redisPort);
    await(sse.ended(), 90);
    assertEquals("ended by the server", sse.endReason());
    assertComplete(sse.frames(), 1);
    List<SseClient.Frame> replayed = follow(apiA, runId, 0);
    assertComplete(replayed, 1);
    assertEquals(sse.frames().size(), replayed.size());
  }

  private static SseClient open(NodeProcess node, String runId, long after) {
    SseClient sse = await(SseClient.open(vertx, node.port(), "/v1/runs/" + runId + "/events?after_seq=" + after,
        userOnA.headers()));
    assertEquals(200, sse.status());
    return sse;
  }

  private static List<SseClient.Frame> follow(NodeProcess node, String runId, long after) {
    SseClient sse = open(node, runId, after);
    await(sse.ended(), 60);
    return sse.frames();
  }

  private static void assertComplete(List<SseClient.Frame> frames, long firstSeq) {
    List<Long> ids = frames.stream().map(SseClient.Frame::id).collect(Collectors.toList());
    for (int i = 0; i < frames.size(); i++) {
      assertEquals(firstSeq + i, ids.get(i), "gap or duplicate in " + ids);
    }
    List<String> types = frames.stream().map(f -> f.data().getString("type")).toList();
    long terminals = types.stream().filter(t -> t.equals("run.completed") || t.equals("run.failed")
        || t.equals("run.cancelled")).count();
    assertEquals(1, terminals, types.toString());
    assertEquals("run.completed", types.get(types.size() - 1));
  }

  private static void awaitFrames(SseClient sse, int count) {
    Await.until(count + " frames", 20, () -> sse.frames().size() >= count);
  }

  private static long awaitLeaseOwner(String runId) {
    String leaseOwner = "SELECT j.lease_owner FROM jobs j JOIN runs r ON r.job_id = j.id WHERE r.id = '" + runId + "'";
    Await.until("a worker to lease the run", 10, () -> {
      String owner = sql(leaseOwner);
      return owner != null && owner.contains("@");
    });
    String owner = sql(leaseOwner);
    return Long.parseLong(owner.substring(0, owner.indexOf('@')));
  }

  private static String status(String runId) throws Exception {
    return sql("SELECT status FROM runs WHERE id = '" + runId + "'");
  }

  private static String sql(String query) {
    try (Connection connection = DriverManager.getConnection(shared.database().jdbcUrl(),
        shared.database().jdbcProperties()); ResultSet rows = connection.createStatement().executeQuery(query)) {
      return rows.next() ? rows.getString(1) : null;
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  private static Map<String, String> withHeader(Map<String, String> headers, String name, String value) {
    Map<String, String> copy = new HashMap<>(headers);
    copy.put(name, value);
    return copy;
  }
}
