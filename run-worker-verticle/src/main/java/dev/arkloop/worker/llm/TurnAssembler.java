package dev.arkloop.worker.llm;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One turn as it streams: text and thinking pass on to the listener as they arrive (text is also kept
 * for the turn), and tool calls come in pieces. Each call is keyed by what its wire format uses (a
 * choice index, an output item id, a content block index), receives its id and name once and its JSON
 * arguments as text fragments, and is parsed when the turn ends, in the order calls first appeared.
 */
final class TurnAssembler {
  private static final class Pending {
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();
  }

  private final LlmListener listener;
  private final StringBuilder text = new StringBuilder();
  private final Map<String, Pending> calls = new LinkedHashMap<>();
  private final Map<String, JsonObject> thinkingBlocks = new LinkedHashMap<>();
  private final Map<String, StringBuilder> thinkingTexts = new LinkedHashMap<>();

  TurnAssembler(LlmListener listener) {
    this.listener = listener;
  }

  void text(String delta) {
    if (delta != null && !delta.isEmpty()) {
      text.append(delta);
      listener.onText(delta);
    }
  }

  void thinking(String delta) {
    if (delta != null && !delta.isEmpty()) {
      listener.onThinking(delta);
    }
  }

  /** Opens a reasoning block to return with the turn; {@code thinking} text and a signature follow. */
  void openThinking(String key) {
    thinkingBlocks.put(key, new JsonObject().put("type", "thinking"));
    thinkingTexts.put(key, new StringBuilder());
  }

  /**
   * Streams a reasoning delta and keeps it in its block (opened here when a compatible server skipped
   * the block's start).
   */
  void thinking(String key, String delta) {
    if (!thinkingTexts.containsKey(key)) {
      openThinking(key);
    }
    if (delta != null) {
      thinkingTexts.get(key).append(delta);
    }
    thinking(delta);
  }

  void signature(String key, String signature) {
    if (!thinkingBlocks.containsKey(key)) {
      openThinking(key);
    }
    JsonObject block = thinkingBlocks.get(key);
    block.put("signature", block.getString("signature", "") + (signature == null ? "" : signature));
  }

  /** A reasoning block the provider encrypted: returned as it came, never shown. */
  void redactedThinking(String key, String data) {
    thinkingBlocks.put(key, new JsonObject().put("type", "redacted_thinking").put("data", data));
  }

  boolean has(String key) {
    return calls.containsKey(key);
  }

  /** Opens the call or fills in the id or name it did not have yet. */
  void start(String key, String id, String name) {
    Pending call = calls.computeIfAbsent(key, k -> new Pending());
    if (id != null && !id.isEmpty()) {
      call.id = id;
    }
    if (name != null && !name.isEmpty()) {
      call.name = name;
    }
  }

  void append(String key, String fragment) {
    if (fragment != null) {
      calls.computeIfAbsent(key, k -> new Pending()).arguments.append(fragment);
    }
  }

  /** The whole argument text, when the wire format repeats it at the end (it wins over the fragments). */
  void complete(String key, String arguments) {
    if (arguments != null) {
      Pending call = calls.computeIfAbsent(key, k -> new Pending());
      call.arguments.setLength(0);
      call.arguments.append(arguments);
    }
  }

  LlmTurn turn(LlmTurn.Usage usage) {
    JsonArray blocks = new JsonArray();
    thinkingBlocks.forEach((key, block) -> {
      StringBuilder kept = thinkingTexts.get(key);
      blocks.add(kept == null ? block : block.copy().put("thinking", kept.toString()));
    });
    return new LlmTurn(text.toString(), toolCalls(), usage, blocks);
  }

  private List<LlmTurn.ToolCall> toolCalls() {
    List<LlmTurn.ToolCall> built = new ArrayList<>();
    int position = 0;
    for (Pending call : calls.values()) {
      if (call.name == null) {
        throw LlmException.protocol("a tool call arrived without a name");
      }
      String id = call.id == null ? "call_" + position : call.id;
      built.add(new LlmTurn.ToolCall(id, call.name, arguments(call)));
      position++;
    }
    return built;
  }

  private static JsonObject arguments(Pending call) {
    String text = call.arguments.toString().strip();
    if (text.isEmpty()) {
      return new JsonObject();
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException | ClassCastException e) {
      throw LlmException.protocol("the arguments of tool call " + call.name + " are not a JSON object");
    }
  }
}
