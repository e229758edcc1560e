package dev.arkloop.launcher;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.api.ApiVerticle;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.metrics.MetricsServer;
import dev.arkloop.common.testing.ContractCheck;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.common.vertx.VertxFactory;
import dev.arkloop.worker.RunWorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.Map;

/** A whole node (API + worker) in the test JVM, on its own database, built like the launcher builds it. */
public final class TestNode implements AutoCloseable {
  private final Vertx vertx;
  private final ArkloopConfig config;
  private final NodeEndpoints endpoints;
  private final int port;
  private int metricsPort;
  private String workerDeployment;

  private TestNode(Vertx vertx, ArkloopConfig config, NodeEndpoints endpoints, int port) {
    this.vertx = vertx;
    this.config = config;
    this.endpoints = endpoints;
    this.port = port;
  }

  public static TestNode start(Map<String, String> overrides) {
    return start(TestInfra.get().newEndpoints(), overrides);
  }

  /** A node on the given endpoints (a PostgreSQL of the test's own, say). */
  public static TestNode start(NodeEndpoints endpoints, Map<String, String> overrides) {
    Map<String, String> settings = new HashMap<>(Map.of("ARKLOOP_STUB_TOKEN_DELAY_MS", "1",
        "ARKLOOP_WORKER_POLL_SECONDS", "0.1", "ARKLOOP_SSE_HEARTBEAT_SECONDS", "1"));
    settings.putAll(overrides);
    ArkloopConfig config = TestInfra.get().config(endpoints, settings);
    Vertx vertx = await(VertxFactory.create(config));
    ApiVerticle api = new ApiVerticle(config, endpoints);
    await(vertx.deployVerticle(api));
    TestNode node = new TestNode(vertx, config, endpoints, api.actualPort());
    ContractCheck.install(node.client());
    node.workerDeployment = await(vertx.deployVerticle(new RunWorkerVerticle(config, endpoints)));
    node.metricsPort = await(MetricsServer.start(vertx, config.http().metricsListen(), config.http().metricsToken()))
        .actualPort();
    return node;
  }

  /** Stops the node's worker and starts a fresh one, as a worker restart would. */
  public void restartWorker() {
    await(vertx.undeploy(workerDeployment));
    workerDeployment = await(vertx.deployVerticle(new RunWorkerVerticle(config, endpoints)));
  }

  public Vertx vertx() {
    return vertx;
  }

  public int port() {
    return port;
  }

  public NodeEndpoints endpoints() {
    return endpoints;
  }

  public ArkloopConfig config() {
    return config;
  }

  /** A client of the node's management port, where {@code /metrics} is served. */
  public TestClient metricsClient() {
    return new TestClient(vertx, metricsPort);
  }

  public TestClient client() {
    return new TestClient(vertx, port);
  }

  /** A user signed up on this node; the client carries their token. */
  public TestClient register(String login) {
    TestClient anonymous = client();
    HttpResponse<Buffer> response = anonymous.post("/v1/auth/register", new JsonObject()
        .put("login", login).put("password", "correct horse battery").put("email", login + "@example.com"));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return anonymous.withBearer(response.bodyAsJsonObject().getString("access_token"));
  }

  /** A new thread with one user message; returns the thread id. */
  public static String thread(TestClient user, String message) {
    HttpResponse<Buffer> thread = user.post("/v1/threads", new JsonObject().put("title", "test"));
    assertEquals(201, thread.statusCode(), thread.bodyAsString());
    String id = thread.bodyAsJsonObject().getString("id");
    say(user, id, message);
    return id;
  }

  public static void say(TestClient user, String threadId, String message) {
    HttpResponse<Buffer> posted = user.post("/v1/threads/" + threadId + "/messages",
        new JsonObject().put("content", message));
    assertEquals(201, posted.statusCode(), posted.bodyAsString());
  }

  /** Starts a run; returns its id. */
  public static String run(TestClient user, String threadId) {
    HttpResponse<Buffer> created = user.post("/v1/threads/" + threadId + "/runs", new JsonObject());
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("run_id");
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
