package dev.arkloop.api.personas;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads and checks a persona create or PATCH body into the stored spec (API field names). Wrong
 * JSON types are 422, values out of range 400, as everywhere.
 */
final class PersonaInput {
  static final Pattern KEY = Pattern.compile("^[a-z0-9][a-z0-9_.-]{0,99}$");
  static final Pattern VERSION = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{0,49}$");
  static final List<String> EXECUTORS =
      List.of("agent.simple", "agent.interactive", "noop", "native_v1", "task.classify_route", "agent.lua");
  static final List<String> REASONING_MODES =
      List.of("auto", "enabled", "disabled", "none", "minimal", "low", "medium", "high", "max");
  private static final List<String> TOOL_LISTS = List.of("tool_allowlist", "tool_denylist", "core_tools",
      "require_approval");
  private static final List<String> OBJECTS = List.of("roles", "conditional_tools", "executor_config");

  private PersonaInput() {}

  static String key(RequestBody body) {
    String key = body.string("persona_key");
    if (!KEY.matcher(key).matches()) {
      throw ApiException.invalid("persona_key",
          "persona_key must be 1 to 100 lowercase letters, digits, '_', '.' or '-'");
    }
    return key;
  }

  static String version(RequestBody body) {
    String version = body.string("version");
    if (!VERSION.matcher(version).matches()) {
      throw ApiException.invalid("version", "version must be 1 to 50 letters, digits, '_', '.' or '-'");
    }
    return version;
  }

  /**
   * The fields present in the body, checked. On PATCH a null clears the field back to its default;
   * {@code display_name} and {@code prompt_md} cannot be cleared.
   */
  static JsonObject fields(RequestBody body, boolean patch) {
    JsonObject spec = new JsonObject();
    text(body, spec, "display_name", 200, patch);
    text(body, spec, "prompt_md", 200_000, patch);
    optionalText(body, spec, "description", 2000);
    optionalText(body, spec, "preferred_credential", 200);
    optionalText(body, spec, "selector_name", 200);
    if (body.has("model")) {
      String model = Fields.length("model", body.optionalString("model"), 3, 400);
      if (model != null && (model.indexOf('^') <= 0 || model.endsWith("^"))) {
        throw ApiException.invalid("model", "model must be a selector provider^model");
      }
      spec.put("model", model);
    }
    if (body.has("reasoning_mode")) {
      spec.put("reasoning_mode", Fields.oneOf("reasoning_mode", body.optionalString("reasoning_mode"),
          REASONING_MODES.toArray(String[]::new)));
    }
    if (body.has("executor_type")) {
      spec.put("executor_type", Fields.oneOf("executor_type", body.optionalString("executor_type"),
          EXECUTORS.toArray(String[]::new)));
    }
    for (String flag : List.of("stream_thinking", "user_selectable")) {
      if (body.has(flag)) {
        spec.put(flag, body.optionalBoolean(flag));
      }
    }
    if (body.has("selector_order")) {
      Long order = body.optionalLong("selector_order");
      if (order != null && (order < 0 || order > 10_000)) {
        throw ApiException.invalid("selector_order", "selector_order must be between 0 and 10000");
      }
      spec.put("selector_order", order);
    }
    for (String list : TOOL_LISTS) {
      if (body.has(list)) {
        spec.put(list, toolNames(list, body.optionalStringList(list)));
      }
    }
    for (String object : OBJECTS) {
      if (body.has(object)) {
        spec.put(object, body.optionalObject(object));
      }
    }
    if (body.has("prompt_cache_control")) {
      spec.put("prompt_cache_control", body.optionalJsonValue("prompt_cache_control"));
    }
    if (body.has("budgets")) {
      JsonObject budgets = body.optionalObject("budgets");
      spec.put("budgets", budgets == null ? null : PersonaBudgets.check(budgets));
    }
    return spec;
  }

  private static void text(RequestBody body, JsonObject spec, String field, int max, boolean patch) {
    if (!patch) {
      spec.put(field, Fields.length(field, body.string(field), 1, max));
    } else if (body.has(field)) {
      if (body.isNull(field)) {
        throw ApiException.invalid(field, field + " cannot be null");
      }
      spec.put(field, Fields.length(field, body.string(field), 1, max));
    }
  }

  private static void optionalText(RequestBody body, JsonObject spec, String field, int max) {
    if (body.has(field)) {
      spec.put(field, Fields.length(field, body.optionalString(field), 0, max));
    }
  }

  private static JsonArray toolNames(String field, List<String> names) {
    if (names == null) {
      return null;
    }
    if (names.size() > 500) {
      throw ApiException.invalid(field, field + " has more than 500 entries");
    }
    JsonArray array = new JsonArray();
    for (String name : names) {
      if (name.isBlank() || name.length() > 200 || name.indexOf('\0') >= 0) {
        throw ApiException.invalid(field, field + " entries must be 1 to 200 characters");
      }
      array.add(name);
    }
    return array;
  }
}
