package dev.arkloop.worker.tools;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The built-in tools, by name. {@code ask_user} is listed for models but handled by the loop (it pauses the run). */
public final class BuiltinTools {
  public static final String ASK_USER = "ask_user";
  private final Map<String, Tool> tools = new LinkedHashMap<>();

  public BuiltinTools(List<Tool> extra) {
    add(simple("echo", "Returns the text it is given.",
        new JsonObject().put("type", "object").put("properties", new JsonObject()
            .put("text", new JsonObject().put("type", "string"))).put("required", List.of("text")),
        args -> new JsonObject().put("text", args.getValue("text") == null ? "" : String.valueOf(args.getValue("text")))));
    add(simple("noop", "Does nothing.", new JsonObject().put("type", "object"), args -> new JsonObject()));
    add(simple(ASK_USER, "Asks the user a question and waits for the answer.",
        new JsonObject().put("type", "object").put("properties", new JsonObject()
            .put("prompt", new JsonObject().put("type", "string"))).put("required", List.of("prompt")),
        args -> {
          throw new IllegalStateException("ask_user is handled by the agent loop");
        }));
    extra.forEach(this::add);
  }

  public Tool get(String name) {
    return tools.get(name);
  }

  public List<Tool> all() {
    return List.copyOf(tools.values());
  }

  private void add(Tool tool) {
    tools.put(tool.name(), tool);
  }

  private static Tool simple(String name, String description, JsonObject parameters,
      java.util.function.Function<JsonObject, JsonObject> body) {
    return Tool.of(name, description, parameters, (arguments, context) -> Future.succeededFuture(body.apply(arguments)));
  }
}
