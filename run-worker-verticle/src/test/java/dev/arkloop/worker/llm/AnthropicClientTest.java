package dev.arkloop.worker.llm;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.worker.llm.LlmTestKit.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.llm.AnthropicWire;
import dev.arkloop.common.testing.llm.FakeLlmServer;
import dev.arkloop.common.testing.llm.FakeLlmServer.Reply;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Anthropic Messages client against a local server speaking its exact event stream. */
class AnthropicClientTest extends LlmClientContract {

  @Override
  Endpoint endpoint(String baseUrl) {
    return new Endpoint("anthropic", baseUrl, KEY, false);
  }

  @Override
  String mode() {
    return null;
  }

  @Override
  String baseUrl() {
    return server.baseUrl("");
  }

  @Override
  String requestPath() {
    return "/v1/messages";
  }

  @Override
  List<String> answer(long inputTokens, long outputTokens, String... pieces) {
    return AnthropicWire.answer(inputTokens, outputTokens, pieces);
  }

  @Override
  List<String> twoToolCalls() {
    return AnthropicWire.stream(7, 0, 0).toolUse("toolu_echo", "echo", "{\"te", "xt\": \"ma", "rco\"}")
        .toolUse("toolu_noop", "noop").end("tool_use", 3);
  }

  @Override
  List<String> errorMidStream() {
    return AnthropicWire.stream(1, 0, 0).text("partial").error("api_error", "Internal server error").frames();
  }

  @Override
  List<String> partialThenSilence() {
    return AnthropicWire.stream(1, 0, 0).text("partial").frames();
  }

  @Override
  List<String> malformedAfterPartial() {
    return AnthropicWire.stream(1, 0, 0).text("partial").raw("event: content_block_delta\ndata: {\"index\":\n\n")
        .frames();
  }

  @Test
  void systemIsTopLevelAndToolResultsAreUserBlocks() {
    server.enqueue(Reply.sse(AnthropicWire.answer(1, 1, "ok")));
    JsonArray conversation = new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "Be brief."))
        .add(new JsonObject().put("role", "user").put("content", "echo marco and polo"))
        .add(new JsonObject().put("role", "assistant").put("content", "Calling.").put("tool_calls", new JsonArray()
            .add(new JsonObject().put("id", "toolu_1").put("name", "echo")
                .put("arguments", new JsonObject().put("text", "marco")))
            .add(new JsonObject().put("id", "toolu_2").put("name", "echo")
                .put("arguments", new JsonObject().put("text", "polo")))))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "toolu_1").put("name", "echo")
            .put("content", "{\"text\":\"marco\"}"))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "toolu_2").put("name", "echo")
            .put("content", "{\"text\":\"polo\"}"));
    LlmRequest request = new LlmRequest("claude-x", conversation, LlmTestKit.request("x").tools(), new JsonObject());
    LlmProvider client = clients.create(endpoint(baseUrl()), null,
        new JsonObject().put("thinking", new JsonObject().put("type", "enabled").put("budget_tokens", 1024)));
    await(Await.onContext(context, () -> client.stream(request, new LlmTestKit.Recording(),
        Promise.<Void>promise().future())));

    FakeLlmServer.Received received = server.last();
    assertEquals(KEY, received.headers().get("x-api-key"));
    assertEquals("2023-06-01", received.headers().get("anthropic-version"));
    assertNull(received.headers().get("Authorization"));
    JsonObject body = received.body();
    assertEquals("Be brief.", body.getString("system"));
    assertEquals(4096, body.getInteger("max_tokens"));
    assertEquals(1024, body.getJsonObject("thinking").getInteger("budget_tokens"));
    JsonArray messages = body.getJsonArray("messages");
    assertEquals(3, messages.size(), messages.encodePrettily());
    assertEquals(new JsonObject().put("role", "user").put("content", new JsonArray()
        .add(new JsonObject().put("type", "text").put("text", "echo marco and polo"))), messages.getJsonObject(0));
    JsonArray assistant = messages.getJsonObject(1).getJsonArray("content");
    assertEquals(new JsonObject().put("type", "text").put("text", "Calling."), assistant.getJsonObject(0));
    assertEquals(new JsonObject().put("type", "tool_use").put("id", "toolu_1").put("name", "echo")
        .put("input", new JsonObject().put("text", "marco")), assistant.getJsonObject(1));
    assertEquals(new JsonObject().put("role", "user").put("content", new JsonArray()
        .add(new JsonObject().put("type", "tool_result").put("tool_use_id", "toolu_1")
            .put("content", "{\"text\":\"marco\"}"))
        .add(new JsonObject().put("type", "tool_result").put("tool_use_id", "toolu_2")
            .put("content", "{\"text\":\"polo\"}"))), messages.getJsonObject(2));
    JsonObject tool = body.getJsonArray("tools").getJsonObject(0);
    assertEquals("echo", tool.getString("name"));
    assertEquals(new JsonObject().put("type", "object"), tool.getJsonObject("input_schema"));
  }

  @Test
  void thinkingStreamsAsThinkingAndCacheUsageIsKept() {
    server.enqueue(Reply.sse(AnthropicWire.stream(25, 100, 40).thinking("Hmm, ", "yes.").text("Answer")
        .end("end_turn", 9)));
    LlmTestKit.Recording listener = new LlmTestKit.Recording();
    LlmTurn turn = await(call(client(), listener, Promise.<Void>promise().future()));
    assertEquals(List.of("Hmm, ", "yes."), listener.thinking);
    assertEquals(new JsonArray().add(new JsonObject().put("type", "thinking").put("thinking", "Hmm, yes.")
        .put("signature", "c2lnbmF0dXJl")), turn.thinkingBlocks(), "kept whole, to be sent back");
    assertEquals("Answer", turn.text());
    assertEquals(new LlmTurn.Usage(25, 9, 100, 40), turn.usage());
  }

  @Test
  void anOverloadedErrorEventMayBeRetried() {
    server.enqueue(Reply.sse(AnthropicWire.stream(1, 0, 0).error("overloaded_error", "Overloaded").frames()));
    LlmException error = failure(call(client(), new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("provider.unavailable", error.errorClass());
    assertTrue(error.retryable());
  }
}
