package dev.arkloop.launcher;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Two gateway processes ({@code --role gateway}) in front of two API processes and a worker, all
 * separate JVMs on one PostgreSQL and one Redis: an SSE client through a gateway survives the API
 * node behind it being killed, and the two gateways share one rate limit.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class GatewayClusterIT {
  private static final int BURST = 10;
  private static final List<NodeProcess> nodes = new ArrayList<>();
  private static NodeProcess apiA;
  private static NodeProcess apiB;
  private static int gatewayA;
  private static int gatewayB;
  private static Vertx vertx;
  private static TestClient user;

  @BeforeAll
  static void startCluster() throws Exception {
    NodeEndpoints shared = TestInfra.get().newEndpoints();
    int clusterPort = 20000 + (int) (ProcessHandle.current().pid() % 1000) * 2;
    Map<String, String> env = new HashMap<>(Map.of(
        "ARKLOOP_DATABASE_URL", shared.database().toUrl(),
        "ARKLOOP_REDIS_URL", shared.redisUrl(),
        "ARKLOOP_REDIS_KEY_PREFIX", TestInfra.get().newKeyPrefix(),
        "ARKLOOP_AUTH_JWT_SECRET", "gateway-cluster-secret-0123456789abcdef0123456789",
        "ARKLOOP_ENCRYPTION_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        "ARKLOOP_CLUSTER_PORT", String.valueOf(clusterPort),
        "ARKLOOP_API_INSTANCES", "1",
        "ARKLOOP_DATA_DIR", TestInfra.tempDir("arkloop-gateway-cluster").toString()));
    nodes.add(NodeProcess.startReady(env, EmbeddedInfrastructure.freePort(), "--cluster", "--role", "worker"));
    apiA = NodeProcess.startReady(env, EmbeddedInfrastructure.freePort(), "--cluster", "--role", "api");
    apiB = NodeProcess.startReady(env, EmbeddedInfrastructure.freePort(), "--cluster", "--role", "api");
    nodes.addAll(List.of(apiA, apiB));
    apiB.awaitLog("nodes: 3", Duration.ofSeconds(30));
    gatewayA = startGateway(env);
    gatewayB = startGateway(env);

    vertx = Vertx.vertx();
    HttpResponse<Buffer> registered = new TestClient(vertx, apiA.port()).post("/v1/auth/register", new JsonObject()
        .put("login", "carol").put("password", "correct horse battery").put("email", "carol@example.com"));
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
    user = new TestClient(vertx, apiA.port()).withBearer(registered.bodyAsJsonObject().getString("access_token"));
  }

  /** A gateway process in front of both API nodes, apiA first; returns its port. */
  private static int startGateway(Map<String, String> env) throws Exception {
    int port = EmbeddedInfrastructure.freePort();
    Map<String, String> gateway = new HashMap<>(env);
    gateway.putAll(Map.of(
        "ARKLOOP_GATEWAY_ADDR", "127.0.0.1:" + port,
        "ARKLOOP_GATEWAY_UPSTREAMS", "127.0.0.1:" + apiA.port() + ",127.0.0.1:" + apiB.port(),
        "ARKLOOP_GATEWAY_RATE_PER_SECOND", "1",
        "ARKLOOP_GATEWAY_BURST", String.valueOf(BURST)));
    nodes.add(NodeProcess.startReady(gateway, EmbeddedInfrastructure.freePort(), "--role", "gateway"));
    return port;
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (NodeProcess node : nodes) {
      node.close();
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  @Test
  @Order(1)
  void anSseClientThroughTheGatewaySurvivesItsApiNodeBeingKilled() throws Exception {
    String runId = TestNode.run(user, TestNode.thread(user, "through the gateway /tokens 150 /delay 20"));
    // the first request gateway A forwards goes to its first upstream: apiA
    SseClient first = await(SseClient.open(vertx, gatewayA, "/v1/runs/" + runId + "/events", user.headers()));
    assertEquals(200, first.status());
    Await.until("10 frames through the gateway", 20, () -> first.frames().size() >= 10);
    apiA.process().destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    await(first.ended(), 30); // ends because its API node is gone, long before the run does
    List<SseClient.Frame> frames = new ArrayList<>(first.frames());
    long lastSeen = frames.get(frames.size() - 1).id();
    Map<String, String> resume = new HashMap<>(user.headers());
    resume.put("Last-Event-ID", String.valueOf(lastSeen));
    SseClient second = await(SseClient.open(vertx, gatewayA, "/v1/runs/" + runId + "/events", resume));
    assertEquals(200, second.status());
    await(second.ended(), 60);
    assertEquals("ended by the server", second.endReason());
    assertEquals(lastSeen + 1, second.frames().get(0).id(), "resumed right after the last event seen");
    frames.addAll(second.frames());
    for (int i = 0; i < frames.size(); i++) {
      assertEquals(i + 1, frames.get(i).id(), "gap or duplicate at " + i);
    }
    List<String> types = frames.stream().map(f -> f.data().getString("type")).toList();
    assertEquals(1, types.stream().filter(t -> t.startsWith("run.") && (t.endsWith("completed")
        || t.endsWith("failed") || t.endsWith("cancelled"))).count(), types.toString());
    assertEquals("run.completed", types.get(types.size() - 1));
  }

  @Test
  @Order(2)
  void twoGatewayProcessesShareOneRateLimit() {
    long started = System.nanoTime();
    int allowed = 0;
    int refusedByA = 0;
    int refusedByB = 0;
    for (int i = 0; i < 3 * BURST; i++) {
      boolean onA = i % 2 == 0;
      HttpResponse<Buffer> response = new TestClient(vertx, onA ? gatewayA : gatewayB).get("/healthz");
      if (response.statusCode() == 200) {
        allowed++;
      } else {
        assertEquals(429, response.statusCode(), response.bodyAsString());
        assertEquals("rate_limit", response.bodyAsJsonObject().getString("code"));
        if (onA) {
          refusedByA++;
        } else {
          refusedByB++;
        }
      }
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;
    // one bucket of BURST refilled at 1/s for both processes (a bucket each would let 2 * BURST through)
    assertTrue(allowed <= BURST + seconds, "allowed " + allowed + " in " + seconds + " s");
    assertTrue(allowed >= 1, "nothing allowed");
    assertTrue(refusedByA > 0 && refusedByB > 0, "A refused " + refusedByA + ", B refused " + refusedByB);
  }
}
