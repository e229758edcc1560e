package dev.arkloop.worker.llm;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.worker.llm.LlmTestKit.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.Await;
import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.testing.llm.FakeLlmServer;
import dev.arkloop.common.testing.llm.FakeLlmServer.Reply;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.List;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What every streaming client must do, whatever its wire format: each provider kind's test class
 * supplies its own frames to this contract, against a local server, and adds tests of its request
 * mapping.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
abstract class LlmClientContract {
  FakeLlmServer server;
  Context context;
  LlmClients clients;

  @BeforeAll
  void start(Vertx vertx) {
    server = await(FakeLlmServer.start(vertx));
    context = LlmTestKit.context(vertx);
    clients = LlmClients.create(vertx, LlmTestKit.settings(3, 10));
  }

  @BeforeEach
  void clean() {
    server.reset();
  }

  /** The endpoint of the kind, pointed at {@code baseUrl} (the fake server, or somewhere else). */
  abstract Endpoint endpoint(String baseUrl);

  abstract String mode();

  /** The fake server's base URL in the kind's convention. */
  abstract String baseUrl();

  /** The path the kind posts to. */
  abstract String requestPath();

  /** A text answer streamed in {@code pieces}, with usage. */
  abstract List<String> answer(long inputTokens, long outputTokens, String... pieces);

  /** One turn calling {@code echo {"text":"marco"}} (arguments in fragments) and {@code noop {}}, usage 7/3. */
  abstract List<String> twoToolCalls();

  /** Text "partial" followed by the kind's error event. */
  abstract List<String> errorMidStream();

  /** Text "partial" streamed, then the stream neither ends nor says anything more. */
  abstract List<String> partialThenSilence();

  /** Text "partial" streamed, then a line that is not valid JSON. */
  abstract List<String> malformedAfterPartial();

  LlmProvider client() {
    return clients.create(endpoint(baseUrl()), mode(), null);
  }

  Future<LlmTurn> call(LlmProvider client, LlmListener listener, Future<Void> cancel) {
    return Await.onContext(context, () -> client.stream(LlmTestKit.request("hi"), listener, cancel));
  }

  LlmException failure(Future<LlmTurn> call) {
    Throwable cause = await(call.transform(done -> Future.succeededFuture(done.cause())));
    return assertInstanceOf(LlmException.class, cause);
  }

  @Test
  void streamsTextPiecesAndReportsUsage() {
    server.enqueue(Reply.sse(answer(12, 4, "Hel", "lo ", "wörld")));
    LlmTestKit.Recording listener = new LlmTestKit.Recording();
    LlmTurn turn = await(call(client(), listener, Promise.<Void>promise().future()));
    assertEquals(List.of("Hel", "lo ", "wörld"), listener.text);
    assertEquals("Hello wörld", turn.text());
    assertTrue(turn.toolCalls().isEmpty());
    assertEquals(12, turn.usage().inputTokens());
    assertEquals(4, turn.usage().outputTokens());
    FakeLlmServer.Received request = server.last();
    assertEquals("POST", request.method());
    assertEquals(requestPath(), request.path());
    assertEquals("model-x", request.body().getString("model"));
    assertEquals(true, request.body().getBoolean("stream"));
  }

  @Test
  void assemblesSeveralToolCallsFromFragmentsCutAnywhere() {
    // 5-byte pieces: SSE lines, JSON strings and the UTF-8 of every event split across network reads
    server.enqueue(Reply.sse(twoToolCalls()).splitEvery(5).chunkDelay(1));
    LlmTurn turn = await(call(client(), new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals(2, turn.toolCalls().size(), turn.toString());
    LlmTurn.ToolCall echo = turn.toolCalls().get(0);
    assertEquals("echo", echo.name());
    assertEquals(new JsonObject().put("text", "marco"), echo.arguments());
    assertFalse(echo.id().isEmpty());
    assertEquals("noop", turn.toolCalls().get(1).name());
    assertEquals(new JsonObject(), turn.toolCalls().get(1).arguments());
    assertEquals(7, turn.usage().inputTokens());
    assertEquals(3, turn.usage().outputTokens());
  }

  @Test
  void anErrorEventMidStreamFailsTheCall() {
    server.enqueue(Reply.sse(errorMidStream()));
    LlmTestKit.Recording listener = new LlmTestKit.Recording();
    LlmException error = failure(call(client(), listener, Promise.<Void>promise().future()));
    assertEquals("provider.error", error.errorClass(), error.getMessage());
    assertFalse(error.retryable());
    assertEquals("partial", listener.joined());
  }

  @Test
  void aMalformedChunkIsAProtocolError() {
    server.enqueue(Reply.sse(malformedAfterPartial()).stall());
    LlmException error = failure(call(client(), new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("provider.protocol_error", error.errorClass());
    assertFalse(error.retryable());
    await(server.last().hungUp(), 5);
  }

  @Test
  void aStalledStreamTimesOutAndHangsUp() {
    server.enqueue(Reply.sse(partialThenSilence()).stall());
    LlmTestKit.Recording listener = new LlmTestKit.Recording();
    long started = System.currentTimeMillis();
    LlmException error = failure(call(client(), listener, Promise.<Void>promise().future()));
    assertEquals("provider.timeout", error.errorClass());
    assertTrue(error.retryable());
    assertTrue(System.currentTimeMillis() - started >= 400, "the idle timeout is 400 ms");
    assertEquals("partial", listener.joined());
    await(server.last().hungUp(), 5);
  }

  @Test
  void cancelResetsTheUpstreamRequestAtOnce() {
    server.enqueue(Reply.sse(partialThenSilence()).stall());
    Promise<Void> cancel = Promise.promise();
    LlmTestKit.Recording listener = new LlmTestKit.Recording() {
      @Override
      public void onText(String delta) {
        super.onText(delta);
        cancel.tryComplete();
      }
    };
    long started = System.currentTimeMillis();
    LlmException error = failure(call(client(), listener, cancel.future()));
    assertEquals("cancelled", error.errorClass());
    await(server.last().hungUp(), 5);
    assertTrue(System.currentTimeMillis() - started < 400, "before any timeout could fire");
  }

  @Test
  void refusalsAreClassifiedAndNeverEchoTheKey() {
    server.enqueue(Reply.json(429, new JsonObject().put("error", new JsonObject().put("message", "slow down")))
        .header("Retry-After", "2"));
    LlmException limited = failure(call(client(), new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("provider.rate_limited", limited.errorClass());
    assertTrue(limited.retryable());
    assertEquals(2000, limited.retryAfterMs());
    assertTrue(limited.getMessage().contains("slow down"), limited.getMessage());

    server.enqueue(Reply.json(401, new JsonObject().put("error", new JsonObject()
        .put("message", "Incorrect API key provided: " + KEY))));
    LlmException auth = failure(call(client(), new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("provider.auth", auth.errorClass());
    assertFalse(auth.retryable());
    assertFalse(auth.getMessage().contains("0123456789"), auth.getMessage());

    server.enqueue(Reply.json(400, new JsonObject().put("error", new JsonObject()
        .put("message", "bad model; key was " + KEY.substring(0, 12) + "abcdefgh"))));
    LlmException bad = failure(call(client(), new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("provider.bad_request", bad.errorClass());
    assertFalse(bad.getMessage().contains("0123456789"), bad.getMessage());

    server.enqueue(Reply.json(503, new JsonObject()));
    LlmException down = failure(call(client(), new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("provider.unavailable", down.errorClass());
    assertTrue(down.retryable());
  }

  @Test
  void aRateLimitIsRetriedAfterItsRetryAfterAndThenSucceeds() {
    server.enqueue(Reply.json(429, new JsonObject().put("error", new JsonObject().put("message", "slow down")))
        .header("Retry-After", "1"), Reply.sse(answer(2, 1, "at last")));
    List<String> retries = new java.util.concurrent.CopyOnWriteArrayList<>();
    ModelRoute route = new ModelRoute("r", "p", "k", "model-x", client(), ModelRoute.Prices.FREE);
    ResilientModelCaller caller = new ResilientModelCaller(context.owner(), List.of(route),
        new ResilientModelCaller.Policy(3, 10), new ModelCaller.RouteEvents() {
          @Override
          public void retry(int attempt, long delayMs, String errorClass) {
            retries.add(attempt + " " + delayMs + " " + errorClass);
          }

          @Override
          public void fallback(ModelRoute from, ModelRoute to, String reason) {
            retries.add("fallback");
          }
        });
    LlmTurn turn = await(Await.onContext(context, () -> caller.call(LlmTestKit.request("hi"),
        new LlmTestKit.Recording(), Promise.<Void>promise().future())));
    assertEquals("at last", turn.text());
    assertEquals(List.of("1 1000 provider.rate_limited"), retries);
    List<FakeLlmServer.Received> requests = server.requests();
    assertEquals(2, requests.size());
    long waited = requests.get(1).receivedAtMillis() - requests.get(0).receivedAtMillis();
    assertTrue(waited >= 950, "waited " + waited + " ms");
  }

  @Test
  void anUnreachableProviderIsUnavailable() throws Exception {
    String nowhere = "http://127.0.0.1:" + EmbeddedInfrastructure.freePort();
    LlmProvider client = clients.create(endpoint(nowhere + (baseUrl().endsWith("/v1") ? "/v1" : "")), mode(), null);
    LlmException error = failure(call(client, new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("provider.unavailable", error.errorClass());
    assertTrue(error.retryable());
  }

  @Test
  void aStreamThatEndsBeforeCompletingMayBeRetried() {
    server.enqueue(Reply.sse(partialThenSilence()));
    LlmException error = failure(call(client(), new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("provider.unavailable", error.errorClass());
    assertTrue(error.retryable());
  }
}
