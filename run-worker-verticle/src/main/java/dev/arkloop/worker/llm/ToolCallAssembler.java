package dev.arkloop.worker.llm;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Tool calls streamed in pieces: each call is keyed by what its wire format uses (a choice index, an
 * output item id, a content block index), receives its id and name once and its JSON arguments as
 * text fragments, and is parsed when the turn ends. Order is the order calls first appeared.
 */
final class ToolCallAssembler {
  private static final class Pending {
    String id;
    String name;
    final StringBuilder arguments = new StringBuilder();
  }

  private final Map<String, Pending> calls = new LinkedHashMap<>();

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

  List<LlmTurn.ToolCall> build() {
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
