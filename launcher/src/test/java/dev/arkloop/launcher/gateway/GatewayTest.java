package dev.arkloop.launcher.gateway;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.gateway.GatewaySettings;
import dev.arkloop.api.gateway.GatewayVerticle;
import dev.arkloop.common.config.HostPort;
import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The gateway in front of a real node: the whole run flow through it, client addresses by ip_mode,
 * the rate limit shared by two gateways, risk refusals, passive upstream health and the access log.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class GatewayTest {
  private static TestNode node;
  private static TestClient admin;
  private static int gateway;
  private static int limitedA;
  private static int limitedB;
  private static int withDeadUpstream;
  private static int located;

  @BeforeAll
  static void start() throws Exception {
    node = TestNode.start(Map.of("ARKLOOP_AUTH_RATE_LIMIT_PER_MINUTE", "100000"));
    admin = node.register("root");
    HostPort api = new HostPort("127.0.0.1", node.port());
    gateway = deploy(List.of(api), 1000, 1000);
    limitedA = deploy(List.of(api), 1, 10);
    limitedB = deploy(List.of(api), 1, 10);
    withDeadUpstream = deploy(List.of(new HostPort("127.0.0.1", EmbeddedInfrastructure.freePort()), api), 1000, 1000);
    Path geoDb = new MaxMindDbFile().city("127.0.0.0/8", "ZZ", "Localhost").city("81.2.69.0/24", "GB", "London")
        .write(TestInfra.tempDir("arkloop-geoip").resolve("test-city.mmdb"));
    located = deploy(List.of(api), 1000, 1000, geoDb.toString());
  }

  private static int deploy(List<HostPort> upstreams, int rate, int burst) {
    return deploy(upstreams, rate, burst, null);
  }

  private static int deploy(List<HostPort> upstreams, int rate, int burst, String geoipDb) {
    GatewayVerticle verticle = new GatewayVerticle(node.config(), node.endpoints(),
        new GatewaySettings(new HostPort("127.0.0.1", 0), upstreams, rate, burst, 100_000, geoipDb));
    await(node.vertx().deployVerticle(verticle));
    return verticle.actualPort();
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  @BeforeEach
  void directMode() {
    configure(new JsonObject().put("ip_mode", "direct").put("trusted_cidrs", new JsonArray())
        .put("risk_reject_threshold", 1.0));
    awaitApplied(() -> "127.0.0.1".equals(logged(send(gateway, "direct-probe-" + System.nanoTime(), "198.51.100.99"))
        .getString("client_ip")));
  }

  private static void configure(JsonObject config) {
    HttpResponse<Buffer> response = admin.put("/v1/admin/gateway-config", config);
    assertEquals(200, response.statusCode(), response.bodyAsString());
  }

  private static TestClient through(int port) {
    return new TestClient(node.vertx(), port);
  }

  /** A gateway node applies a change at once (event bus); 5 s leaves room for a loaded machine. */
  private static void awaitApplied(java.util.function.BooleanSupplier applied) {
    Await.until("the gateway applied the new configuration", 5, applied);
  }

  private static HttpResponse<Buffer> get(int port, String userAgent, String forwardedFor) {
    var request = WebClient.create(node.vertx(), new WebClientOptions().setUserAgentEnabled(false))
        .get(port, "127.0.0.1", "/healthz");
    if (userAgent != null) {
      request.putHeader("User-Agent", userAgent);
    }
    if (forwardedFor != null) {
      request.putHeader("X-Forwarded-For", forwardedFor);
    }
    return await(request.send());
  }

  /** Sends a request identified by its user agent; returns that user agent. */
  private static String send(int port, String userAgent, String forwardedFor) {
    assertEquals(200, get(port, userAgent, forwardedFor).statusCode());
    return userAgent;
  }

  /** The access-log entry of the request sent with this user agent, once the gateway wrote it. */
  private static JsonObject logged(String userAgent) {
    Object[] found = new Object[1];
    Await.until("access log entry for " + userAgent, 10, () -> {
      JsonArray data = admin.get("/v1/admin/access-log?limit=200").bodyAsJsonObject().getJsonArray("data");
      Optional<Object> entry = data.stream().filter(e -> userAgent.equals(((JsonObject) e).getString("user_agent")))
          .findFirst();
      entry.ifPresent(e -> found[0] = e);
      return entry.isPresent();
    });
    return (JsonObject) found[0];
  }

  @Test
  void theWholeRunFlowWorksThroughTheGateway() {
    Instant started = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    TestClient anonymous = through(gateway);
    HttpResponse<Buffer> registered = anonymous.post("/v1/auth/register", new JsonObject().put("login", "gw-user")
        .put("password", "correct horse battery").put("email", "gw-user@example.com"));
    assertEquals(201, registered.statusCode(), registered.bodyAsString());
    TestClient user = anonymous.withBearer(registered.bodyAsJsonObject().getString("access_token"));
    String threadId = TestNode.thread(user, "hello gateway");
    String runId = TestNode.run(user, threadId);
    SseClient sse = await(SseClient.open(node.vertx(), gateway, "/v1/runs/" + runId + "/events", user.headers()));
    assertEquals(200, sse.status());
    assertEquals("text/event-stream; charset=utf-8", sse.header("Content-Type"));
    await(sse.ended(), 60);
    List<String> types = sse.frames().stream().map(f -> f.data().getString("type")).collect(Collectors.toList());
    assertEquals("run.started", types.get(0));
    assertEquals("run.completed", types.get(types.size() - 1));
    for (int i = 0; i < sse.frames().size(); i++) {
      assertEquals(i + 1, sse.frames().get(i).id());
    }
    assertTrue(sse.header("X-Trace-Id").matches("[0-9a-f]{32}"));

    JsonObject page = admin.get("/v1/admin/access-log?path=/v1/runs/" + runId + "&method=GET").bodyAsJsonObject();
    Await.until("the SSE request logged", 10, () -> !admin.get("/v1/admin/access-log?path=/v1/runs/" + runId)
        .bodyAsJsonObject().getJsonArray("data").isEmpty());
    JsonObject entry = admin.get("/v1/admin/access-log?path=/v1/runs/" + runId).bodyAsJsonObject()
        .getJsonArray("data").getJsonObject(0);
    assertEquals(200, entry.getInteger("status_code"));
    assertEquals("user", entry.getString("identity_type"));
    assertEquals("unknown", entry.getString("ua_type")); // the SSE client sends no user agent
    assertEquals(0.4, entry.getDouble("risk_score"), 1e-9);
    assertEquals("127.0.0.1", entry.getString("client_ip"));
    assertTrue(entry.getString("id").matches("\\d+-\\d+"));
    assertTrue(page.containsKey("has_more"));
    Instant at = Instant.parse(entry.getString("timestamp"));
    assertFalse(at.isBefore(started) || at.isAfter(Instant.now()), entry.encode());
    assertFalse(entry.containsKey("ts"), entry.encode());
    assertEquals(entry.getString("id"), admin.get("/v1/admin/access-log?path=/v1/runs/" + runId + "&since=" + at)
        .bodyAsJsonObject().getJsonArray("data").getJsonObject(0).getString("id"));
    assertTrue(admin.get("/v1/admin/access-log?path=/v1/runs/" + runId + "&since=" + at.plusMillis(1))
        .bodyAsJsonObject().getJsonArray("data").isEmpty());
  }

  @Test
  void aTenMegabyteWorkspaceUploadPassesThroughIntact() {
    byte[] content = randomBytes(10 * 1024 * 1024);
    HttpResponse<Buffer> project = admin.post("/v1/projects", new JsonObject().put("name", "gateway upload"));
    assertEquals(201, project.statusCode(), project.bodyAsString());
    String file = "/v1/projects/" + project.bodyAsJsonObject().getString("id") + "/workspace/file?path=/big.bin";
    TestClient owner = through(gateway).withHeader("Authorization", admin.headers().get("Authorization"));

    HttpResponse<Buffer> uploaded = owner.send(HttpMethod.PUT, file, Buffer.buffer(content));
    assertEquals(201, uploaded.statusCode(), uploaded.bodyAsString());
    assertEquals(sha256(content), uploaded.bodyAsJsonObject().getString("sha256"));
    HttpResponse<Buffer> downloaded = owner.get(file);
    assertEquals(200, downloaded.statusCode());
    assertTrue(Arrays.equals(content, downloaded.body().getBytes()), "the file came back as uploaded");
  }

  /**
   * The body is passed on as it arrives: the upstream (a recording server) has the first half of a
   * 10 MB upload while the client still holds the second. A gateway that read the whole body before
   * forwarding (or buffered it to measure it) would pass nothing on until the client ended it.
   */
  @Test
  void anUploadReachesTheUpstreamWhileTheClientIsStillSendingIt() {
    byte[] content = randomBytes(10 * 1024 * 1024);
    int half = content.length / 2;
    AtomicLong received = new AtomicLong();
    HttpServer upstream = await(node.vertx().createHttpServer().requestHandler(request -> {
      MessageDigest digest = sha256();
      request.handler(chunk -> {
        received.addAndGet(chunk.length());
        digest.update(chunk.getBytes());
      });
      request.endHandler(v -> request.response().end(HexFormat.of().formatHex(digest.digest())));
    }).listen(0, "127.0.0.1"));
    int streaming = deploy(List.of(new HostPort("127.0.0.1", upstream.actualPort())), 1000, 1000);
    HttpClient client = node.vertx().createHttpClient();
    try {
      HttpClientRequest upload = await(client.request(HttpMethod.PUT, streaming, "127.0.0.1",
          "/v1/projects/" + java.util.UUID.randomUUID() + "/workspace/file?path=/big.bin"));
      upload.putHeader("Content-Length", String.valueOf(content.length));
      // the body handler is set when the response arrives, on the event loop, so no chunk is missed
      Future<String> answered = upload.response()
          .compose(response -> response.body().map(body -> response.statusCode() + " " + body));
      write(upload, content, 0, half);
      Await.until("the first half at the upstream before the second is sent", 10, () -> received.get() == half);
      write(upload, content, half, content.length);
      await(upload.end());
      assertEquals("200 " + sha256(content), await(answered));
      assertEquals(content.length, received.get());
    } finally {
      await(client.close());
      await(upstream.close());
    }
  }

  private static void write(HttpClientRequest request, byte[] content, int from, int to) {
    for (int offset = from; offset < to; offset += 64 * 1024) {
      await(request.write(Buffer.buffer(Arrays.copyOfRange(content, offset, Math.min(to, offset + 64 * 1024)))));
    }
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sha256(byte[] content) {
    return HexFormat.of().formatHex(sha256().digest(content));
  }

  @Test
  void forwardedForIsIgnoredInDirectModeAndHonouredOnlyFromTrustedProxies() {
    send(gateway, "spoof-direct", "198.51.100.7");
    assertEquals("127.0.0.1", logged("spoof-direct").getString("client_ip"));

    configure(new JsonObject().put("ip_mode", "proxy").put("trusted_cidrs", new JsonArray().add("10.0.0.0/8")));
    send(gateway, "untrusted-proxy", "198.51.100.7");
    assertEquals("127.0.0.1", logged("untrusted-proxy").getString("client_ip"));

    configure(new JsonObject().put("ip_mode", "proxy").put("trusted_cidrs", new JsonArray().add("127.0.0.0/8")));
    awaitApplied(() -> "198.51.100.9".equals(logged(send(gateway, "probe-" + System.nanoTime(), "198.51.100.9"))
        .getString("client_ip")));
    send(gateway, "trusted-proxy", "203.0.113.1, 198.51.100.7, 127.0.0.5");
    assertEquals("198.51.100.7", logged("trusted-proxy").getString("client_ip"));
    assertEquals(1, admin.get("/v1/admin/access-log?ip=198.51.100.7").bodyAsJsonObject().getJsonArray("data").size());
  }

  @Test
  void countryAndCityComeFromTheGeoIpDatabase() {
    JsonObject direct = logged(send(located, "geo-direct", null));
    assertEquals("ZZ", direct.getString("country"));
    assertEquals("Localhost", direct.getString("city"));
    JsonObject withoutDatabase = logged(send(gateway, "geo-none", null));
    assertTrue(withoutDatabase.containsKey("country") && withoutDatabase.getString("country") == null);
    assertNull(withoutDatabase.getString("city"));

    configure(new JsonObject().put("ip_mode", "proxy").put("trusted_cidrs", new JsonArray().add("127.0.0.0/8")));
    awaitApplied(() -> "81.2.69.142".equals(logged(send(located, "geo-probe-" + System.nanoTime(), "81.2.69.142"))
        .getString("client_ip")));
    JsonObject london = logged(send(located, "geo-london", "81.2.69.142"));
    assertEquals("GB", london.getString("country"));
    assertEquals("London", london.getString("city"));
    JsonObject nowhere = logged(send(located, "geo-unknown", "203.0.113.5"));
    assertNull(nowhere.getString("country"));
    assertNull(nowhere.getString("city"));
    JsonArray british = admin.get("/v1/admin/access-log?country=gb&limit=200").bodyAsJsonObject().getJsonArray("data");
    assertTrue(british.stream().anyMatch(e -> "geo-london".equals(((JsonObject) e).getString("user_agent"))));
    assertTrue(british.stream().allMatch(e -> "GB".equals(((JsonObject) e).getString("country"))));
  }

  @Test
  void theRateLimitIsSharedByTwoGateways() {
    // each test client gets its own address through a trusted proxy, so buckets start full
    configure(new JsonObject().put("ip_mode", "proxy").put("trusted_cidrs", new JsonArray().add("127.0.0.0/8")));
    // until both gateways applied it, requests would count against the bucket of 127.0.0.1
    for (int port : new int[] {limitedA, limitedB}) {
      awaitApplied(() -> "192.0.2.78".equals(logged(send(port, "limit-probe-" + System.nanoTime(), "192.0.2.78"))
          .getString("client_ip")));
    }
    long started = System.nanoTime();
    int allowed = 0;
    int refusedByA = 0;
    int refusedByB = 0;
    for (int i = 0; i < 30; i++) {
      boolean onA = i % 2 == 0;
      HttpResponse<Buffer> response = through(onA ? limitedA : limitedB)
          .withHeader("X-Forwarded-For", "192.0.2.77").get("/healthz");
      if (response.statusCode() == 200) {
        allowed++;
      } else {
        JsonObject error = assertError(response, 429, "rate_limit");
        assertEquals("requests", error.getJsonObject("details").getString("reason"));
        assertEquals("1", response.getHeader("Retry-After"));
        if (onA) {
          refusedByA++;
        } else {
          refusedByB++;
        }
      }
    }
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;
    // one bucket of 10, refilled at 1/s, for both gateways together (two buckets would let 20 through)
    assertTrue(allowed <= 10 + seconds, "allowed " + allowed + " in " + seconds + " s");
    assertTrue(refusedByA > 0 && refusedByB > 0, "A refused " + refusedByA + ", B refused " + refusedByB);
  }

  @Test
  void aRiskScoreAboveTheThresholdIsRefused() {
    configure(new JsonObject().put("risk_reject_threshold", 0.5));
    awaitApplied(() -> get(gateway, "Googlebot/2.1", null).statusCode() == 403);
    JsonObject refused = assertError(get(gateway, "Googlebot/2.1", null), 403, "policy.denied");
    assertEquals("risk", refused.getJsonObject("details").getString("reason"));
    assertEquals(200, get(gateway, "curl/8.5", null).statusCode());
    assertEquals("cli", logged("curl/8.5").getString("ua_type"));
    assertEquals(0.6, logged("Googlebot/2.1").getDouble("risk_score"), 1e-9);
    JsonArray risky = admin.get("/v1/admin/access-log?ua_type=bot&risk_min=0.5").bodyAsJsonObject()
        .getJsonArray("data");
    // the refusals above are logged with their status (a probe sent before the change applied passed)
    assertTrue(risky.stream().filter(e -> ((JsonObject) e).getInteger("status_code") == 403).count() >= 2,
        risky.encode());
  }

  @Test
  void anUpstreamThatRefusesConnectionsIsSkipped() {
    for (int i = 0; i < 4; i++) {
      assertEquals(200, through(withDeadUpstream).get("/healthz").statusCode());
    }
  }

  @Test
  void gatewaySettingsAreValidatedAndAdminOnly() {
    assertError(admin.put("/v1/admin/gateway-config", new JsonObject().put("ip_mode", "cloudflare")), 400,
        "validation.error");
    assertError(admin.put("/v1/admin/gateway-config", new JsonObject().put("trusted_cidrs",
        new JsonArray().add("not-a-cidr"))), 400, "validation.error");
    assertError(admin.put("/v1/admin/gateway-config", new JsonObject().put("risk_reject_threshold", 2)), 400,
        "validation.error");
    assertError(admin.get("/v1/admin/access-log?ua_type=robot"), 400, "validation.error");
    assertError(admin.get("/v1/admin/access-log?before=x"), 400, "validation.error");
    assertEquals("direct", admin.get("/v1/admin/gateway-config").bodyAsJsonObject().getString("ip_mode"));
    TestClient plain = node.register("gw-plain");
    assertEquals("platform.admin", assertError(plain.get("/v1/admin/access-log"), 403, "auth.forbidden")
        .getJsonObject("details").getString("permission"));
  }
}
