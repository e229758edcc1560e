package dev.arkloop.worker.runs;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.Await.onContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.personas.Persona;
import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.common.runs.RunEvent;
import dev.arkloop.common.runs.RunEventLog;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.llm.ChatCompletionsWire;
import dev.arkloop.common.testing.llm.FakeLlmServer;
import dev.arkloop.common.testing.llm.FakeLlmServer.Reply;
import dev.arkloop.worker.llm.Endpoint;
import dev.arkloop.worker.llm.LlmClients;
import dev.arkloop.worker.llm.ModelCaller;
import dev.arkloop.worker.llm.ModelRoute;
import dev.arkloop.worker.llm.ResilientModelCaller;
import dev.arkloop.worker.tools.Tool;
import dev.arkloop.worker.tools.ToolCatalog;
import dev.arkloop.worker.tools.ToolContext;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The agent loop of one run against a real local model server (OpenAI Chat Completions wire), a real
 * tool, and the real event writer on PostgreSQL and Redis.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class AgentLoopTest {
  private static final Tool ECHO = Tool.of("echo", "Returns the text", new JsonObject().put("type", "object"),
      (arguments, context) -> Future.succeededFuture(new JsonObject().put("text", arguments.getString("text"))));

  private Vertx vertx;
  private RunFixture fixture;
  private FakeLlmServer upstream;
  private Context context;
  private ModelRoute route;

  @BeforeEach
  void setUp(Vertx vertx) {
    this.vertx = vertx;
    fixture = new RunFixture(vertx);
    upstream = await(FakeLlmServer.start(vertx));
    context = vertx.getOrCreateContext();
    ArkloopConfig.EnvProvider none = new ArkloopConfig.EnvProvider(null, null, "unused");
    LlmClients clients = LlmClients.create(vertx, new ArkloopConfig.Llm(1, 10, 2000, 10_000, 10_000, true, none, none));
    route = new ModelRoute("route-a", "local", "openai", "model-a", clients.create(new Endpoint("openai",
        upstream.baseUrl("/v1"), "sk-unit-0123456789abcdefghij", false), LlmClients.MODE_CHAT_COMPLETIONS, null),
        ModelRoute.Prices.FREE);
  }

  @AfterEach
  void tearDown() {
    upstream.close();
  }

  /** One attempt's loop over a new leased run, and what it writes. */
  private final class Attempt {
    final RunFixture.Leased leased = fixture.leasedRun();
    final RunEventWriter writer = fixture.writer(leased);
    final Promise<String> abort = Promise.promise();
    final AgentLoop loop;

    Attempt(Persona persona, Supplier<Future<Boolean>> hasCredits) {
      ModelCaller model = new ResilientModelCaller(vertx, List.of(route), new ResilientModelCaller.Policy(1, 10),
          new ModelCaller.RouteEvents() {
            @Override
            public void retry(int attempt, long delayMs, String errorClass) {}

            @Override
            public void fallback(ModelRoute from, ModelRoute to, String reason) {}
          });
      ToolCatalog catalog = new ToolCatalog(List.of(ECHO), persona);
      RunStore.RunRow run = leased.run();
      ToolContext tools = new ToolContext(run.id(), run.orgId(), run.threadId(), null, null);
      ToolRunner runner = new ToolRunner(catalog, writer, tools, abort.future(), 5_000, 60);
      loop = new AgentLoop(model, persona, catalog, writer, runner, abort.future(), hasCredits);
    }

    Outcome run(String userText) {
      LoopState state = LoopState.fresh(new JsonArray().add(new JsonObject().put("role", "user")
          .put("content", userText)));
      return await(onContext(context, () -> loop.run(state).compose(outcome -> writer.drained().map(outcome))));
    }

    List<String> types() {
      return await(RunEventLog.read(fixture.pool, leased.run().id(), 1, 1000)).stream().map(RunEvent::type).toList();
    }
  }

  private static Persona persona(JsonObject budgets) {
    return Persona.of(new JsonObject().put("persona_key", "test").put("budgets", budgets));
  }

  private static Supplier<Future<Boolean>> credits(AtomicInteger checks, boolean left) {
    return () -> {
      checks.incrementAndGet();
      return Future.succeededFuture(left);
    };
  }

  private static List<String> echoTurn() {
    return ChatCompletionsWire.stream().toolCall(0, "call_1", "echo", "{\"text\"", ": \"marco\"}")
        .finish("tool_calls").usage(10, 5, 0).done();
  }

  @Test
  void anAnswerStreamsAsDeltasInsideOneSegment() {
    upstream.enqueue(Reply.sse(ChatCompletionsWire.answer(20, 7, "Hello ", "there")));
    AtomicInteger checks = new AtomicInteger();
    Attempt attempt = new Attempt(persona(new JsonObject()), credits(checks, true));

    Outcome.Completed done = assertInstanceOf(Outcome.Completed.class, attempt.run("hi"));
    assertEquals("Hello there", done.state().text.toString());
    assertEquals(20, done.state().usage.inputTokens());
    assertEquals(7, done.state().usage.outputTokens());
    assertEquals(List.of(EventTypes.SEGMENT_START, EventTypes.MESSAGE_DELTA, EventTypes.MESSAGE_DELTA,
        EventTypes.SEGMENT_END), attempt.types());
    assertEquals(0, checks.get(), "the first turn was checked by the worker before the loop");
  }

  @Test
  void aToolCallIsAnsweredAndTheModelCalledAgainWithItsResult() {
    upstream.enqueue(Reply.sse(echoTurn()), Reply.sse(ChatCompletionsWire.answer(30, 2, "polo")));
    AtomicInteger checks = new AtomicInteger();
    Attempt attempt = new Attempt(persona(new JsonObject()), credits(checks, true));

    Outcome.Completed done = assertInstanceOf(Outcome.Completed.class, attempt.run("say marco"));
    assertEquals("polo", done.state().text.toString());
    assertEquals(40, done.state().usage.inputTokens());
    assertEquals(List.of(EventTypes.SEGMENT_START, EventTypes.SEGMENT_END, EventTypes.TOOL_CALL,
        EventTypes.TOOL_RESULT, EventTypes.SEGMENT_START, EventTypes.MESSAGE_DELTA, EventTypes.SEGMENT_END),
        attempt.types());
    JsonArray second = upstream.requests().get(1).body().getJsonArray("messages");
    JsonObject toolMessage = second.getJsonObject(second.size() - 1);
    assertEquals("tool", toolMessage.getString("role"));
    assertTrue(toolMessage.getString("content").contains("marco"), toolMessage.encode());
    assertEquals(1, checks.get(), "the second turn checked the credits once");
  }

  @Test
  void creditsUsedUpBetweenTurnsEndTheLoopBeforeTheNextModelCall() {
    upstream.enqueue(Reply.sse(echoTurn()), Reply.sse(ChatCompletionsWire.answer(30, 2, "never")));
    AtomicInteger checks = new AtomicInteger();
    Attempt attempt = new Attempt(persona(new JsonObject()), credits(checks, false));

    Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, attempt.run("say marco"));
    assertEquals(AgentLoop.CREDITS_EXHAUSTED, failed.errorClass());
    assertEquals(1, upstream.requests().size(), "the model was not called again");
    assertEquals(List.of(EventTypes.SEGMENT_START, EventTypes.SEGMENT_END, EventTypes.TOOL_CALL,
        EventTypes.TOOL_RESULT), attempt.types());
  }

  @Test
  void aModelThatKeepsCallingToolsRunsOutOfReasoningIterations() {
    upstream.enqueue(Reply.sse(echoTurn()), Reply.sse(echoTurn()));
    Attempt attempt = new Attempt(persona(new JsonObject().put("reasoning_iterations", 2)),
        credits(new AtomicInteger(), true));

    Outcome.Failed failed = assertInstanceOf(Outcome.Failed.class, attempt.run("loop"));
    assertEquals("budget.reasoning_iterations", failed.errorClass());
    assertEquals(2, upstream.requests().size());
  }

  @Test
  void aCancelDuringAModelCallAbortsTheLoop() {
    upstream.enqueue(Reply.sse(ChatCompletionsWire.stream().text("thinking...").frames()).stall());
    Attempt attempt = new Attempt(persona(new JsonObject()), credits(new AtomicInteger(), true));
    LoopState state = LoopState.fresh(new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")));
    Future<Outcome> running = onContext(context, () -> attempt.loop.run(state));

    Await.until("the model call is in flight", 20, () -> upstream.requests().size() == 1);
    context.runOnContext(v -> attempt.abort.complete("cancel"));
    Outcome.Aborted aborted = assertInstanceOf(Outcome.Aborted.class, await(running));
    assertEquals("cancel", aborted.reason());
    Await.until("the model call is hung up", 20, () -> upstream.requests().get(0).hungUp().isComplete());
  }
}
