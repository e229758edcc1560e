package dev.arkloop.launcher.llm;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.launcher.TestNode.thread;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.Await;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.arkloop.common.db.Pools;
import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.llm.AnthropicWire;
import dev.arkloop.common.testing.llm.ChatCompletionsWire;
import dev.arkloop.common.testing.llm.FakeLlmServer;
import dev.arkloop.common.testing.llm.FakeLlmServer.Reply;
import dev.arkloop.common.testing.llm.ResponsesWire;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/**
 * Runs against real (local, fake) LLM upstreams, end to end: a provider created over the API, a thread,
 * a run through the worker, the SSE stream, the run's usage and cost, retries, fallbacks, cancel, and
 * the provider key never showing up in events, responses or logs.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class LlmRunFlowTest {
  private static final String SECRET = "0123456789abcdefKEYMATERIAL";
  private static TestNode node;
  private static FakeLlmServer upstream;
  private static FakeLlmServer backup;
  private static Pool pool;
  private static ListAppender<ILoggingEvent> logs;
  private static final List<String> responses = new CopyOnWriteArrayList<>();
  private static int users;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("ARKLOOP_ALLOW_PRIVATE_PROVIDER_URLS", "1", "ARKLOOP_LLM_RETRY_BASE_DELAY_MS", "20",
        "ARKLOOP_LLM_IDLE_TIMEOUT_MS", "3000"));
    node.register("root");
    upstream = await(FakeLlmServer.start(node.vertx()));
    backup = await(FakeLlmServer.start(node.vertx()));
    pool = Pools.create(node.vertx(), node.endpoints().database(), 2);
    Logger arkloop = (Logger) LoggerFactory.getLogger("dev.arkloop");
    arkloop.setLevel(Level.DEBUG);
    logs = new ListAppender<>();
    logs.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    ((Logger) LoggerFactory.getLogger("dev.arkloop")).setLevel(null);
    node.close();
  }

  @BeforeEach
  void clean() {
    upstream.reset();
    backup.reset();
    upstream.otherwise(Reply.json(500, new JsonObject()));
    backup.otherwise(Reply.json(500, new JsonObject()));
  }

  /** A new user (so a new account with no providers), signed in. */
  private static TestClient user() {
    return node.register("llm-user-" + (++users));
  }

  private static JsonObject created(HttpResponse<Buffer> response) {
    responses.add(response.bodyAsString());
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  /** A provider of {@code kind} ({@code chat_completions}, {@code responses} or {@code anthropic}) at the fake. */
  private static String provider(TestClient user, String name, String kind, FakeLlmServer server) {
    boolean anthropic = kind.equals("anthropic");
    JsonObject body = new JsonObject().put("name", name).put("provider", anthropic ? "anthropic" : "openai")
        .put("api_key", "sk-" + name + "-" + SECRET).put("base_url", server.baseUrl(anthropic ? "" : "/v1"));
    if (!anthropic) {
      body.put("openai_api_mode", kind);
    }
    return created(user.post("/v1/llm-providers", body)).getString("id");
  }

  private static String model(TestClient user, String providerId, JsonObject body) {
    return created(user.post("/v1/llm-providers/" + providerId + "/models", body)).getString("id");
  }

  private static List<SseClient.Frame> follow(TestClient user, String runId) {
    SseClient sse = await(SseClient.open(node.vertx(), node.port(), "/v1/runs/" + runId + "/events", user.headers()));
    await(sse.ended(), 60);
    sse.frames().forEach(frame -> responses.add(frame.data().encode()));
    return sse.frames();
  }

  private static String run(TestClient user, String threadId, JsonObject options) {
    return created(user.post("/v1/threads/" + threadId + "/runs", options)).getString("run_id");
  }

  private static List<JsonObject> events(List<SseClient.Frame> frames, String type) {
    return frames.stream().map(SseClient.Frame::data).filter(data -> data.getString("type").equals(type))
        .map(data -> data.getJsonObject("data")).collect(Collectors.toList());
  }

  private static String last(List<SseClient.Frame> frames) {
    return frames.get(frames.size() - 1).data().getString("type");
  }

  private static List<String> toolCallTurn(String kind) {
    return switch (kind) {
      case "chat_completions" -> ChatCompletionsWire.stream().text("Calling echo.")
          .toolCall(0, "call_1", "echo", "{\"text\"", ": \"marco\"}").finish("tool_calls").usage(10, 5, 0).done();
      case "responses" -> ResponsesWire.stream().text("Calling echo.")
          .functionCall("call_1", "echo", "{\"text\"", ": \"marco\"}").completed(10, 5, 0);
      default -> AnthropicWire.stream(10, 0, 0).text("Calling echo.")
          .toolUse("call_1", "echo", "{\"text\"", ": \"marco\"}").end("tool_use", 5);
    };
  }

  private static List<String> answer(String kind, long in, long out, String... pieces) {
    return switch (kind) {
      case "chat_completions" -> ChatCompletionsWire.answer(in, out, pieces);
      case "responses" -> ResponsesWire.answer(in, out, pieces);
      default -> AnthropicWire.answer(in, out, pieces);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"chat_completions", "responses", "anthropic"})
  void aRunCallsTheEchoToolAndAnswersOnEveryProviderKind(String kind) {
    TestClient user = user();
    String providerId = provider(user, "p-" + kind, kind, upstream);
    String modelId = model(user, providerId, new JsonObject().put("model", "model-" + kind).put("is_default", true)
        .put("cost_per_1k_input", 0.001).put("cost_per_1k_output", 0.002).put("multiplier", 2));
    upstream.enqueue(Reply.sse(toolCallTurn(kind)).splitEvery(9).chunkDelay(1),
        Reply.sse(answer(kind, 20, 7, "Echo ", "said ", "marco")));

    String threadId = thread(user, "please echo marco");
    String runId = run(user, threadId, new JsonObject());
    List<SseClient.Frame> frames = follow(user, runId);
    assertEquals("run.completed", last(frames), frames.toString());
    JsonObject route = events(frames, "run.route.selected").get(0);
    assertEquals(new JsonObject().put("route_id", modelId).put("provider", "p-" + kind).put("model", "model-" + kind),
        route);
    JsonObject call = events(frames, "tool.call").get(0);
    assertEquals("echo", call.getString("tool_name"));
    assertEquals(new JsonObject().put("text", "marco"), call.getJsonObject("arguments"));
    JsonObject result = events(frames, "tool.result").get(0);
    assertEquals(call.getString("tool_call_id"), result.getString("tool_call_id"));
    assertEquals("marco", result.getJsonObject("result").getString("text"));
    String streamed = events(frames, "message.delta").stream().map(d -> d.getString("content_delta"))
        .collect(Collectors.joining());
    assertEquals("Calling echo.Echo said marco", streamed);

    List<FakeLlmServer.Received> requests = upstream.requests();
    assertEquals(2, requests.size());
    assertEquals("model-" + kind, requests.get(0).body().getString("model"));
    JsonObject second = requests.get(1).body();
    switch (kind) {
      case "chat_completions" -> {
        JsonArray messages = second.getJsonArray("messages");
        JsonObject tool = messages.getJsonObject(messages.size() - 1);
        assertEquals("tool", tool.getString("role"));
        assertEquals("call_1", tool.getString("tool_call_id"));
        assertEquals(new JsonObject().put("text", "marco"), new JsonObject(tool.getString("content")));
      }
      case "responses" -> {
        JsonArray input = second.getJsonArray("input");
        JsonObject output = input.getJsonObject(input.size() - 1);
        assertEquals("function_call_output", output.getString("type"));
        assertEquals("call_1", output.getString("call_id"));
      }
      default -> {
        JsonArray messages = second.getJsonArray("messages");
        JsonObject toolResult = messages.getJsonObject(messages.size() - 1).getJsonArray("content").getJsonObject(0);
        assertEquals("tool_result", toolResult.getString("type"));
        assertEquals("call_1", toolResult.getString("tool_use_id"));
      }
    }

    JsonObject detail = user.get("/v1/runs/" + runId).bodyAsJsonObject();
    responses.add(detail.encode());
    assertEquals("model-" + kind, detail.getString("model"));
    assertEquals(30, detail.getLong("total_input_tokens"));
    assertEquals(12, detail.getLong("total_output_tokens"));
    assertEquals(2 * (30 * 0.001 + 12 * 0.002) / 1000, detail.getDouble("total_cost_usd"), 1e-9);
    JsonArray messages = user.get("/v1/threads/" + threadId + "/messages").bodyAsJsonArray();
    assertEquals(streamed, messages.getJsonObject(messages.size() - 1).getString("content"));
  }

  @Test
  void aRateLimitIsRetriedAfterItsRetryAfterAndReported() {
    TestClient user = user();
    model(user, provider(user, "limited", "chat_completions", upstream), new JsonObject().put("model", "m"));
    upstream.enqueue(Reply.json(429, new JsonObject().put("error", new JsonObject().put("message", "slow down")))
        .header("Retry-After", "1"), Reply.sse(ChatCompletionsWire.answer(3, 2, "patience")));
    List<SseClient.Frame> frames = follow(user, run(user, thread(user, "hello"), new JsonObject()));
    assertEquals("run.completed", last(frames));
    assertEquals(List.of(new JsonObject().put("attempt", 1).put("delay_ms", 1000)
        .put("error_class", "provider.rate_limited")), events(frames, "run.llm.retry"));
    List<FakeLlmServer.Received> requests = upstream.requests();
    assertTrue(requests.get(1).receivedAtMillis() - requests.get(0).receivedAtMillis() >= 950);
  }

  @Test
  void aFailingRouteFallsBackToTheNextOne() {
    TestClient user = user();
    model(user, provider(user, "flaky", "chat_completions", upstream), new JsonObject().put("model", "first")
        .put("is_default", true));
    model(user, provider(user, "steady", "anthropic", backup), new JsonObject().put("model", "second")
        .put("cost_per_1k_output", 1.0));
    upstream.otherwise(Reply.json(503, new JsonObject()));
    backup.enqueue(Reply.sse(AnthropicWire.answer(4, 3, "rescued")));
    String runId = run(user, thread(user, "hello"), new JsonObject());
    List<SseClient.Frame> frames = follow(user, runId);
    assertEquals("run.completed", last(frames), frames.toString());
    assertEquals(2, events(frames, "run.llm.retry").size(), "ARKLOOP_LLM_RETRY_MAX_ATTEMPTS=3: two retries");
    JsonObject fallback = events(frames, "run.provider_fallback").get(0);
    assertEquals("flaky^first", fallback.getString("from"));
    assertEquals("steady^second", fallback.getString("to"));
    assertEquals("provider.unavailable", fallback.getString("reason"));
    assertEquals(3, upstream.requests().size());
    JsonObject detail = user.get("/v1/runs/" + runId).bodyAsJsonObject();
    assertEquals("second", detail.getString("model"));
    assertEquals(3 * 1.0 / 1000, detail.getDouble("total_cost_usd"), 1e-9);
  }

  @Test
  void aModelChangedOverTheApiServesTheVeryNextRun() {
    TestClient user = user();
    String providerId = provider(user, "changing", "chat_completions", upstream);
    String first = model(user, providerId, new JsonObject().put("model", "first-model").put("is_default", true));
    upstream.enqueue(Reply.sse(ChatCompletionsWire.answer(1, 1, "a")), Reply.sse(ChatCompletionsWire.answer(1, 1, "b")));
    String threadId = thread(user, "hello");
    List<SseClient.Frame> before = follow(user, run(user, threadId, new JsonObject()));
    assertEquals("first-model", events(before, "run.route.selected").get(0).getString("model"));
    // the worker remembers the account's routes; the change is announced, so the next run sees it
    assertEquals(200, user.patch("/v1/llm-providers/" + providerId + "/models/" + first,
        new JsonObject().put("model", "renamed-model")).statusCode());
    TestNode.say(user, threadId, "again");
    List<SseClient.Frame> after = follow(user, run(user, threadId, new JsonObject()));
    assertEquals("renamed-model", events(after, "run.route.selected").get(0).getString("model"));
    assertEquals("renamed-model", upstream.requests().get(1).body().getString("model"));
  }

  @Test
  void aRefusedKeyFailsTheRunWithItsProviderClass() {
    TestClient user = user();
    model(user, provider(user, "refused", "responses", upstream), new JsonObject().put("model", "m"));
    upstream.enqueue(Reply.json(401, new JsonObject().put("error", new JsonObject()
        .put("message", "Incorrect API key provided: sk-refused-" + SECRET))));
    String runId = run(user, thread(user, "hello"), new JsonObject());
    List<SseClient.Frame> frames = follow(user, runId);
    assertEquals("run.failed", last(frames));
    JsonObject failed = frames.get(frames.size() - 1).data();
    assertEquals("provider.auth", failed.getJsonObject("data").getString("error_class"));
    assertEquals("provider.auth", failed.getString("error_class"));
    assertEquals(1, upstream.requests().size(), "not retried");
    assertEquals("failed", user.get("/v1/runs/" + runId).bodyAsJsonObject().getString("status"));
  }

  @Test
  void thinkingStreamsOnItsOwnChannelAndStaysOutOfTheAnswer() {
    TestClient user = user();
    model(user, provider(user, "thinker", "anthropic", upstream), new JsonObject().put("model", "m"));
    upstream.enqueue(Reply.sse(AnthropicWire.stream(5, 0, 0).thinking("Pondering", "...").text("42").end("end_turn",
        2)));
    String threadId = thread(user, "meaning of life?");
    List<SseClient.Frame> frames = follow(user, run(user, threadId, new JsonObject()));
    List<JsonObject> deltas = events(frames, "message.delta");
    assertEquals(List.of("Pondering", "..."), deltas.stream().filter(d -> "thinking".equals(d.getString("channel")))
        .map(d -> d.getString("content_delta")).toList());
    assertEquals("42", deltas.stream().filter(d -> d.getString("channel") == null)
        .map(d -> d.getString("content_delta")).collect(Collectors.joining()));
    JsonArray messages = user.get("/v1/threads/" + threadId + "/messages").bodyAsJsonArray();
    assertEquals("42", messages.getJsonObject(messages.size() - 1).getString("content"));
  }

  @Test
  void signedThinkingGoesBackWithTheToolUseItPreceded() {
    TestClient user = user();
    model(user, provider(user, "signed", "anthropic", upstream), new JsonObject().put("model", "m"));
    upstream.enqueue(Reply.sse(AnthropicWire.stream(5, 0, 0).thinking("I should ", "echo.").redactedThinking("b3BhcXVl")
            .toolUse("toolu_1", "echo", "{\"text\": \"marco\"}").end("tool_use", 4)),
        Reply.sse(AnthropicWire.answer(9, 2, "marco")));
    List<SseClient.Frame> frames = follow(user, run(user, thread(user, "echo marco"), new JsonObject()));
    assertEquals("run.completed", last(frames), frames.toString());

    JsonArray messages = upstream.requests().get(1).body().getJsonArray("messages");
    JsonArray assistant = messages.getJsonObject(1).getJsonArray("content");
    assertEquals(new JsonObject().put("type", "thinking").put("thinking", "I should echo.")
        .put("signature", "c2lnbmF0dXJl"), assistant.getJsonObject(0));
    assertEquals(new JsonObject().put("type", "redacted_thinking").put("data", "b3BhcXVl"), assistant.getJsonObject(1));
    assertEquals("tool_use", assistant.getJsonObject(2).getString("type"));
    assertTrue(frames.stream().noneMatch(f -> f.data().encode().contains("b3BhcXVl")
        || f.data().encode().contains("c2lnbmF0dXJl")), "signatures and redacted reasoning never become events");
  }

  @Test
  void routeIdAndModelSelectorsChooseTheRoute() {
    TestClient user = user();
    String providerId = provider(user, "choice", "chat_completions", upstream);
    model(user, providerId, new JsonObject().put("model", "default-model").put("is_default", true));
    String other = model(user, providerId, new JsonObject().put("model", "other-model"));
    upstream.enqueue(Reply.sse(ChatCompletionsWire.answer(1, 1, "a")), Reply.sse(ChatCompletionsWire.answer(1, 1, "b")));
    String threadId = thread(user, "hello");
    List<SseClient.Frame> byId = follow(user, run(user, threadId, new JsonObject().put("route_id", other)));
    assertEquals("other-model", events(byId, "run.route.selected").get(0).getString("model"));
    assertEquals("other-model", upstream.requests().get(0).body().getString("model"));
    TestNode.say(user, threadId, "again");
    List<SseClient.Frame> bySelector = follow(user, run(user, threadId,
        new JsonObject().put("model", "choice^other-model")));
    assertEquals(other, events(bySelector, "run.route.selected").get(0).getString("route_id"));

    TestNode.say(user, threadId, "and now?");
    List<SseClient.Frame> unknown = follow(user, run(user, threadId, new JsonObject().put("model", "choice^nope")));
    assertEquals("run.failed", last(unknown));
    assertEquals("policy.route_not_found", unknown.get(unknown.size() - 1).data().getString("error_class"));
  }

  @Test
  void cancelClosesTheUpstreamRequest() throws Exception {
    TestClient user = user();
    model(user, provider(user, "slow", "chat_completions", upstream), new JsonObject().put("model", "m"));
    upstream.enqueue(Reply.sse(ChatCompletionsWire.stream().text("thinking about it").frames()).stall());
    String runId = run(user, thread(user, "hello"), new JsonObject());
    Await.until("the upstream call", 20, () -> !upstream.requests().isEmpty());
    assertEquals(200, user.post("/v1/runs/" + runId + ":cancel", null).statusCode());
    await(upstream.last().hungUp(), 10);
    List<SseClient.Frame> frames = follow(user, runId);
    assertEquals("run.cancelled", last(frames));
  }

  @AfterAll
  static void noKeyAppearedInEventsResponsesOrLogs() {
    var rows = await(pool.query("SELECT data::text FROM run_events").execute());
    assertTrue(rows.size() > 20);
    rows.forEach(row -> assertFalse(row.getString(0).contains(SECRET), row.getString(0)));
    var stored = await(pool.query("SELECT api_key_encrypted || key_prefix FROM llm_providers").execute());
    stored.forEach(row -> assertFalse(row.getString(0).contains(SECRET)));
    assertFalse(responses.isEmpty());
    responses.forEach(body -> assertFalse(body.contains(SECRET), body));
    List<ILoggingEvent> lines = new ArrayList<>(logs.list);
    assertFalse(lines.isEmpty());
    for (ILoggingEvent line : lines) {
      String text = line.getFormattedMessage() + (line.getThrowableProxy() == null ? ""
          : line.getThrowableProxy().getMessage());
      assertFalse(text.contains(SECRET), text);
    }
  }
}
