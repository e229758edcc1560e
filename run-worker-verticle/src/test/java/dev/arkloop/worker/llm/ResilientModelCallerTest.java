package dev.arkloop.worker.llm;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.worker.llm.LlmTestKit.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.llm.AnthropicWire;
import dev.arkloop.common.testing.llm.ChatCompletionsWire;
import dev.arkloop.common.testing.llm.FakeLlmServer;
import dev.arkloop.common.testing.llm.FakeLlmServer.Reply;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retry with backoff, Retry-After, fallback to the next route, and when neither may happen. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class ResilientModelCallerTest {
  private static Vertx vertx;
  private static FakeLlmServer openai;
  private static FakeLlmServer anthropic;
  private static Context context;
  private static LlmClients clients;
  private final List<String> events = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void start(Vertx testVertx) {
    vertx = testVertx;
    openai = await(FakeLlmServer.start(vertx));
    anthropic = await(FakeLlmServer.start(vertx));
    context = LlmTestKit.context(vertx);
    clients = LlmClients.create(vertx, LlmTestKit.settings(3, 10));
  }

  @BeforeEach
  void clean() {
    openai.reset();
    anthropic.reset();
    openai.otherwise(Reply.json(500, new JsonObject()));
    anthropic.otherwise(Reply.json(500, new JsonObject()));
  }

  private ModelRoute openaiRoute() {
    return new ModelRoute("route-a", "primary", "openai", "gpt-a", clients.create(new Endpoint("openai",
        openai.baseUrl("/v1"), KEY, false), "chat_completions", null), ModelRoute.Prices.FREE);
  }

  private ModelRoute anthropicRoute() {
    return new ModelRoute("route-b", "backup", "anthropic", "claude-b", clients.create(new Endpoint("anthropic",
        anthropic.baseUrl(""), KEY, false), null, null), ModelRoute.Prices.FREE);
  }

  private ResilientModelCaller caller(int attempts, long baseDelay, ModelRoute... routes) {
    return new ResilientModelCaller(vertx, List.of(routes), new ResilientModelCaller.Policy(attempts, baseDelay),
        new ModelCaller.RouteEvents() {
          @Override
          public void retry(int attempt, long delayMs, String errorClass) {
            events.add("retry " + attempt + " " + delayMs + " " + errorClass);
          }

          @Override
          public void fallback(ModelRoute from, ModelRoute to, String reason) {
            events.add("fallback " + from.routeId() + " " + to.routeId() + " " + reason);
          }
        });
  }

  private static Future<LlmTurn> call(ModelCaller caller, LlmListener listener, Future<Void> cancel) {
    return Await.onContext(context, () -> caller.call(LlmTestKit.request("hi"), listener, cancel));
  }

  private static LlmException failure(Future<LlmTurn> call) {
    return assertInstanceOf(LlmException.class, await(call.transform(done -> Future.succeededFuture(done.cause()))));
  }

  @Test
  void aRateLimitIsRetriedAfterItsRetryAfter() {
    openai.enqueue(Reply.json(429, new JsonObject().put("error", new JsonObject().put("message", "slow down")))
        .header("Retry-After", "1"), Reply.sse(ChatCompletionsWire.answer(3, 2, "fine")));
    ResilientModelCaller caller = caller(3, 10, openaiRoute());
    LlmTurn turn = await(call(caller, new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("fine", turn.text());
    assertEquals(List.of("retry 1 1000 provider.rate_limited"), events);
    List<FakeLlmServer.Received> requests = openai.requests();
    assertEquals(2, requests.size());
    long waited = requests.get(1).receivedAtMillis() - requests.get(0).receivedAtMillis();
    assertTrue(waited >= 950, "waited " + waited + " ms");
    assertEquals("gpt-a", requests.get(1).body().getString("model"));
  }

  @Test
  void backoffGrowsExponentiallyWithoutRetryAfter() {
    ResilientModelCaller.Policy policy = new ResilientModelCaller.Policy(5, 1000);
    for (int retry = 1; retry <= 3; retry++) {
      long base = 1000L << (retry - 1);
      long delay = policy.delay(retry, -1);
      assertTrue(delay >= base && delay <= base * 6 / 5, retry + ": " + delay);
    }
    assertEquals(60_000, policy.delay(12, -1));
    assertEquals(2500, policy.delay(1, 2500));
    assertEquals(60_000, policy.delay(1, 3_600_000));
  }

  @Test
  void aRouteThatKeepsFailingFallsBackToTheNextAndStaysThere() {
    openai.enqueue(Reply.json(503, new JsonObject()), Reply.json(502, new JsonObject()));
    anthropic.enqueue(Reply.sse(AnthropicWire.answer(4, 2, "from ", "backup")),
        Reply.sse(AnthropicWire.answer(4, 2, "again")));
    ResilientModelCaller caller = caller(2, 10, openaiRoute(), anthropicRoute());
    LlmTestKit.Recording listener = new LlmTestKit.Recording();
    LlmTurn turn = await(call(caller, listener, Promise.<Void>promise().future()));
    assertEquals("from backup", turn.text());
    assertEquals(2, events.size(), events.toString());
    assertTrue(events.get(0).startsWith("retry 1 "), events.toString());
    assertEquals("fallback route-a route-b provider.unavailable", events.get(1));
    assertEquals("claude-b", anthropic.last().body().getString("model"));
    assertEquals("route-b", caller.current().routeId());

    assertEquals("again", await(call(caller, listener, Promise.<Void>promise().future())).text());
    assertEquals(2, openai.requests().size(), "the route that failed is not asked again");
  }

  @Test
  void nonRetryableErrorsEndTheCallAtOnce() {
    openai.enqueue(Reply.json(400, new JsonObject().put("error", new JsonObject().put("message", "no such model"))));
    ResilientModelCaller caller = caller(3, 10, openaiRoute(), anthropicRoute());
    LlmException error = failure(call(caller, new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("provider.bad_request", error.errorClass());
    assertTrue(events.isEmpty(), events.toString());
    assertEquals(0, anthropic.requests().size());
  }

  @Test
  void aCallThatAlreadyStreamedTextIsNeitherRetriedNorMoved() {
    anthropic.enqueue(Reply.sse(AnthropicWire.stream(1, 0, 0).text("half an ans").error("overloaded_error",
        "Overloaded").frames()));
    ResilientModelCaller caller = caller(3, 10, anthropicRoute(), openaiRoute());
    LlmTestKit.Recording listener = new LlmTestKit.Recording();
    LlmException error = failure(call(caller, listener, Promise.<Void>promise().future()));
    assertEquals("provider.unavailable", error.errorClass());
    assertTrue(error.retryable());
    assertEquals("half an ans", listener.joined());
    assertTrue(events.isEmpty(), events.toString());
    assertEquals(0, openai.requests().size());
  }

  @Test
  void theLastRoutesErrorEndsTheCallWhenEverythingFails() {
    ResilientModelCaller caller = caller(2, 1, openaiRoute(), anthropicRoute());
    openai.otherwise(Reply.json(503, new JsonObject()));
    anthropic.otherwise(Reply.json(429, new JsonObject()));
    LlmException error = failure(call(caller, new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("provider.rate_limited", error.errorClass());
    assertEquals(3, events.size(), events.toString());
  }

  @Test
  void cancelDuringBackoffStopsWaiting() {
    openai.enqueue(Reply.json(429, new JsonObject()).header("Retry-After", "30"));
    Promise<Void> cancel = Promise.promise();
    ResilientModelCaller caller = new ResilientModelCaller(vertx, List.of(openaiRoute()),
        new ResilientModelCaller.Policy(3, 10), new ModelCaller.RouteEvents() {
          @Override
          public void retry(int attempt, long delayMs, String errorClass) {
            cancel.tryComplete();
          }

          @Override
          public void fallback(ModelRoute from, ModelRoute to, String reason) {}
        });
    long started = System.currentTimeMillis();
    LlmException error = failure(call(caller, new LlmTestKit.Recording(), cancel.future()));
    assertEquals("cancelled", error.errorClass());
    assertTrue(System.currentTimeMillis() - started < 5000);
    assertEquals(1, openai.requests().size());
  }
}
