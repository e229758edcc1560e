package dev.arkloop.worker.tools;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** A tool the model may call. Failures become a {@code tool.result} with an error, never a crashed run. */
public interface Tool {

  String name();

  String description();

  /** JSON schema of the arguments. */
  JsonObject parameters();

  Future<JsonObject> call(JsonObject arguments, ToolContext context);

  /** A tool from its description and what a call does. */
  static Tool of(String name, String description, JsonObject parameters,
      java.util.function.BiFunction<JsonObject, ToolContext, Future<JsonObject>> call) {
    return new Tool() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String description() {
        return description;
      }

      @Override
      public JsonObject parameters() {
        return parameters;
      }

      @Override
      public Future<JsonObject> call(JsonObject arguments, ToolContext context) {
        return call.apply(arguments, context);
      }
    };
  }

  /** The tool's spec as models see it. */
  default JsonObject spec() {
    return new JsonObject().put("name", name()).put("description", description()).put("parameters", parameters());
  }
}
