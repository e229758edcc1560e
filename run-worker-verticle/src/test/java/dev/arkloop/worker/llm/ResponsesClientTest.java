package dev.arkloop.worker.llm;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.worker.llm.LlmTestKit.KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.llm.FakeLlmServer;
import dev.arkloop.common.testing.llm.FakeLlmServer.Reply;
import dev.arkloop.common.testing.llm.ResponsesWire;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The Responses API client against a local server speaking its exact event stream. */
class ResponsesClientTest extends LlmClientContract {

  @Override
  Endpoint endpoint(String baseUrl) {
    return new Endpoint("openai", baseUrl, KEY, false);
  }

  @Override
  String mode() {
    return "responses";
  }

  @Override
  String baseUrl() {
    return server.baseUrl("/v1");
  }

  @Override
  String requestPath() {
    return "/v1/responses";
  }

  @Override
  List<String> answer(long inputTokens, long outputTokens, String... pieces) {
    return ResponsesWire.answer(inputTokens, outputTokens, pieces);
  }

  @Override
  List<String> twoToolCalls() {
    return ResponsesWire.stream().functionCall("call_echo", "echo", "{\"te", "xt\": \"ma", "rco\"}")
        .functionCall("call_noop", "noop").completed(7, 3, 0);
  }

  @Override
  List<String> errorMidStream() {
    return ResponsesWire.stream().text("partial").error("server_error", "The server had an error").frames();
  }

  @Override
  List<String> partialThenSilence() {
    return ResponsesWire.stream().text("partial").frames();
  }

  @Override
  List<String> malformedAfterPartial() {
    return ResponsesWire.stream().text("partial").raw("event: response.output_text.delta\ndata: {\"delta\n\n").frames();
  }

  @Test
  void theConversationIsSentAsInputItems() {
    server.enqueue(Reply.sse(ResponsesWire.answer(1, 1, "ok")));
    JsonArray conversation = new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "Be brief."))
        .add(new JsonObject().put("role", "user").put("content", "echo marco"))
        .add(new JsonObject().put("role", "assistant").put("content", "Calling.").put("tool_calls", new JsonArray()
            .add(new JsonObject().put("id", "call_1").put("name", "echo")
                .put("arguments", new JsonObject().put("text", "marco")))))
        .add(new JsonObject().put("role", "tool").put("tool_call_id", "call_1").put("name", "echo")
            .put("content", "{\"text\":\"marco\"}"));
    LlmRequest request = new LlmRequest("gpt-x", conversation, LlmTestKit.request("x").tools(),
        new JsonObject().put("max_output_tokens", 64));
    await(Await.onContext(context, () -> client().stream(request, new LlmTestKit.Recording(),
        Promise.<Void>promise().future())));

    JsonObject body = server.last().body();
    assertEquals(false, body.getBoolean("store"));
    assertEquals(64, body.getInteger("max_output_tokens"));
    assertEquals(new JsonArray()
        .add(new JsonObject().put("role", "system").put("content", "Be brief."))
        .add(new JsonObject().put("role", "user").put("content", "echo marco"))
        .add(new JsonObject().put("role", "assistant").put("content", "Calling."))
        .add(new JsonObject().put("type", "function_call").put("call_id", "call_1").put("name", "echo")
            .put("arguments", "{\"text\":\"marco\"}"))
        .add(new JsonObject().put("type", "function_call_output").put("call_id", "call_1")
            .put("output", "{\"text\":\"marco\"}")), body.getJsonArray("input"));
    JsonObject tool = body.getJsonArray("tools").getJsonObject(0);
    assertEquals("function", tool.getString("type"));
    assertEquals("echo", tool.getString("name"));
    assertEquals(false, tool.getBoolean("strict"));
  }

  @Test
  void reasoningSummariesStreamAsThinkingAndCachedTokensAreSeparated() {
    server.enqueue(Reply.sse(ResponsesWire.stream().reasoning("Think", "ing").text("Done").completed(20, 6, 8)));
    LlmTestKit.Recording listener = new LlmTestKit.Recording();
    LlmTurn turn = await(call(client(), listener, Promise.<Void>promise().future()));
    assertEquals(List.of("Think", "ing"), listener.thinking);
    assertEquals(new LlmTurn.Usage(12, 6, 8, 0), turn.usage());
  }

  @Test
  void aFailedResponseFailsTheCall() {
    server.enqueue(Reply.sse(ResponsesWire.stream().raw("event: response.failed\ndata: {\"type\":\"response.failed\","
        + "\"response\":{\"status\":\"failed\",\"error\":{\"code\":\"server_error\",\"message\":\"boom\"}}}\n\n")
        .frames()));
    LlmException error = failure(call(client(), new LlmTestKit.Recording(), Promise.<Void>promise().future()));
    assertEquals("provider.error", error.errorClass());
    assertTrue(error.getMessage().contains("boom"));
  }

  @Test
  void autoModeUsesResponsesOnlyOnTheOfficialHost() {
    assertTrue(LlmClients.usesResponses("https://api.openai.com/v1", "auto"));
    assertTrue(LlmClients.usesResponses("https://API.OPENAI.COM/v1", null));
    assertFalse(LlmClients.usesResponses("https://openrouter.ai/api/v1", "auto"));
    assertFalse(LlmClients.usesResponses("http://127.0.0.1:11434/v1", null));
    assertTrue(LlmClients.usesResponses("http://127.0.0.1:11434/v1", "responses"));
    assertFalse(LlmClients.usesResponses("https://api.openai.com/v1", "chat_completions"));
  }
}
