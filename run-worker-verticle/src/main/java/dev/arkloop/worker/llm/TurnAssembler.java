package dev.arkloop.worker.llm;

import io.vertx.core.json.DecodeException;
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
    return new LlmTurn(text.toString(), toolCalls(), usage);
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
