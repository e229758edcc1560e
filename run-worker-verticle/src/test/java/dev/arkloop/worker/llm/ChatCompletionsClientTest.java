package dev.arkloop.worker.llm;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.worker.llm.LlmTestKit.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.llm.ChatCompletionsWire;
import dev.arkloop.common.testing.llm.FakeLlmServer;
import dev.arkloop.common.testing.llm.FakeLlmServer.Reply;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Chat Completions client against a local server speaking its exact stream format. */
class ChatCompletionsClientTest extends LlmClientContract {

  @Override
  Endpoint endpoint(String baseUrl) {
    return new Endpoint("openai", baseUrl, KEY, false);
  }

  @Override
  String mode() {
    return "chat_completions";
  }

  @Override
  String baseUrl() {
    return server.baseUrl("/v1");
  }

  @Override
  String requestPath() {
    return "/v1/chat/completions";
  }

  @Override
  List<String> answer(long inputTokens, long outputTokens, String... pieces) {
    return ChatCompletionsWire.answer(inputTokens, outputTokens, pieces);
  }

  @Override
  List<String> twoToolCalls() {
    return ChatCompletionsWire.stream()
        .toolCall(0, "call_echo", "echo", "{\"te", "xt\": \"ma", "rco\"}")
        .toolCall(1, "call_noop", "noop")
        .finish("tool_calls").usage(7, 3, 0).done();
  }

  @Override
  List<String> errorMidStream() {
    return ChatCompletionsWire.stream().text("partial")
        .raw("data: {\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}\n\n").frames();
  }

  @Override
  List<String> partialThenSilence() {
    return ChatCompletionsWire.stream().text("partial").frames();
  }

  @Override
  List<String> malformedAfterPartial() {
    return ChatCompletionsWire.stream().text("partial").raw("data: {\"choices\": [{\"delta\": \n\n").frames();
  }

  @Test
  void theConversationAndToolsAreSentInChatFormat() {
    server.enqueue(Reply.sse(ChatCompletionsWire.answer(1, 1, "ok")));
    JsonArray conversation = new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "Be brief."))
        .add(new JsonObject().put("role", "user").put("content", "echo marco"))
        .add(new JsonObject().put("role", "assistant").put("content", "").put("tool_calls", new JsonArray()
            .add(new JsonObject().put("id", "call_1").put("name", "echo")
                .put("arguments", new JsonObject().put("text", "marco")))))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("name", "echo")
            .put("content", "{\"text\":\"marco\"}"));
    LlmRequest request = new LlmRequest("gpt-x", conversation, LlmTestKit.request("x").tools(),
        new JsonObject().put("max_output_tokens", 100).put("temperature", 0.5));
    LlmProvider client = clients.create(endpoint(baseUrl()), mode(),
        new JsonObject().put("top_p", 0.9).put("stream", false).put("model", "evil"));
    await(Await.onContext(context, () -> client.stream(request, new LlmTestKit.Recording(),
        Promise.<Void>promise().future())));

    FakeLlmServer.Received received = server.last();
    assertEquals("Bearer " + KEY, received.headers().get("Authorization"));
    JsonObject body = received.body();
    assertEquals("gpt-x", body.getString("model"));
    assertTrue(body.getBoolean("stream"), "advanced settings never turn streaming off");
    assertEquals(new JsonObject().put("include_usage", true), body.getJsonObject("stream_options"));
    assertEquals(100, body.getInteger("max_tokens"));
    assertEquals(0.5, body.getDouble("temperature"));
    assertEquals(0.9, body.getDouble("top_p"));
    JsonArray messages = body.getJsonArray("messages");
    assertEquals(new JsonObject().put("role", "system").put("content", "Be brief."), messages.getJsonObject(0));
    JsonObject assistant = messages.getJsonObject(2);
    assertEquals(null, assistant.getValue("content"));
    assertEquals(new JsonObject().put("id", "call_1").put("type", "function").put("function",
        new JsonObject().put("name", "echo").put("arguments", "{\"text\":\"marco\"}")),
        assistant.getJsonArray("tool_calls").getJsonObject(0));
    assertEquals(new JsonObject().put("role", "tool").put("tool_call_id", "call_1")
        .put("content", "{\"text\":\"marco\"}"), messages.getJsonObject(3));
    assertEquals("function", body.getJsonArray("tools").getJsonObject(0).getString("type"));
    assertEquals("echo", body.getJsonArray("tools").getJsonObject(0).getJsonObject("function").getString("name"));
  }

  @Test
  void reasoningContentStreamsAsThinkingAndCachedTokensAreSeparated() {
    server.enqueue(Reply.sse(ChatCompletionsWire.stream().reasoning("Let me ", "think.").text("Answer")
        .finish("stop").usage(10, 5, 4).done()));
    LlmTestKit.Recording listener = new LlmTestKit.Recording();
    LlmTurn turn = await(call(client(), listener, Promise.<Void>promise().future()));
    assertEquals(List.of("Let me ", "think."), listener.thinking);
    assertEquals("Answer", turn.text());
    assertEquals(new LlmTurn.Usage(6, 5, 4, 0), turn.usage());
  }

  @Test
  void aStreamEndingAfterItsFinishReasonWithoutDoneIsComplete() {
    server.enqueue(Reply.sse(ChatCompletionsWire.stream().text("fine").finish("stop").frames()));
    assertEquals("fine", await(call(client(), new LlmTestKit.Recording(), Promise.<Void>promise().future())).text());
  }

  @Test
  void argumentsThatAreNotJsonAreAProtocolError() {
    server.enqueue(Reply.sse(ChatCompletionsWire.stream().toolCall(0, "c", "echo", "{\"text\": ").finish("tool_calls")
        .done()));
    LlmException error = failure(call(client(), new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("provider.protocol_error", error.errorClass());
    assertFalse(error.retryable());
  }
}
