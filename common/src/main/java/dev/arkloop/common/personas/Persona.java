package dev.arkloop.common.personas;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * A resolved persona: the API's Persona JSON (every field with its default filled in) with typed
 * reads of what the worker applies. Immutable once built; {@link #toJson()} returns a copy.
 */
public final class Persona {
  public static final String EXECUTOR_SIMPLE = "agent.simple";
  public static final String EXECUTOR_INTERACTIVE = "agent.interactive";
  public static final String EXECUTOR_NOOP = "noop";
  public static final int DEFAULT_REASONING_ITERATIONS = 10;
  public static final long DEFAULT_TOOL_TIMEOUT_MS = 30_000;

  private final JsonObject json;

  private Persona(JsonObject json) {
    this.json = json;
  }

  /** A persona from its JSON; missing fields get their defaults. */
  public static Persona of(JsonObject json) {
    return new Persona(withDefaults(json.copy()));
  }

  /** Fills every absent (or null, for fields that have a default) persona field with its default. */
  public static JsonObject withDefaults(JsonObject spec) {
    defaultValue(spec, "tool_allowlist", new JsonArray().add("*"));
    defaultValue(spec, "tool_denylist", new JsonArray());
    defaultValue(spec, "core_tools", new JsonArray());
    defaultValue(spec, "require_approval", new JsonArray());
    defaultValue(spec, "budgets", new JsonObject());
    defaultValue(spec, "roles", new JsonObject());
    defaultValue(spec, "conditional_tools", new JsonObject());
    defaultValue(spec, "reasoning_mode", "auto");
    defaultValue(spec, "stream_thinking", true);
    defaultValue(spec, "executor_type", EXECUTOR_SIMPLE);
    defaultValue(spec, "executor_config", new JsonObject());
    defaultValue(spec, "user_selectable", true);
    defaultValue(spec, "is_active", true);
    for (String optional : List.of("description", "model", "preferred_credential", "prompt_cache_control",
        "selector_name", "selector_order")) {
      if (!spec.containsKey(optional)) {
        spec.putNull(optional);
      }
    }
    return spec;
  }

  private static void defaultValue(JsonObject spec, String field, Object value) {
    if (spec.getValue(field) == null) {
      spec.put(field, value);
    }
  }

  public String key() {
    return json.getString("persona_key");
  }

  public String version() {
    return json.getString("version");
  }

  /** {@code persona_key@version}: what runs name. */
  public String personaId() {
    return key() + "@" + version();
  }

  public String promptMd() {
    return json.getString("prompt_md", "");
  }

  public String executorType() {
    return json.getString("executor_type");
  }

  /** The model selector {@code provider^model}, or null for the account's default route. */
  public String model() {
    return json.getString("model");
  }

  public List<String> toolAllowlist() {
    return strings("tool_allowlist");
  }

  public List<String> toolDenylist() {
    return strings("tool_denylist");
  }

  /** Tools always offered, whatever the allowlist says (the denylist still wins). */
  public List<String> coreTools() {
    return strings("core_tools");
  }

  /** Tools whose every call waits for a human's approval. */
  public List<String> requireApproval() {
    return strings("require_approval");
  }

  public boolean streamThinking() {
    return json.getBoolean("stream_thinking", true);
  }

  public boolean active() {
    return json.getBoolean("is_active", true);
  }

  public boolean userSelectable() {
    return json.getBoolean("user_selectable", true);
  }

  public JsonObject budgets() {
    return json.getJsonObject("budgets", new JsonObject());
  }

  public int reasoningIterations() {
    Number value = (Number) budgets().getValue("reasoning_iterations");
    return value == null ? DEFAULT_REASONING_ITERATIONS : value.intValue();
  }

  public long toolTimeoutMs() {
    Number value = (Number) budgets().getValue("tool_timeout_ms");
    return value == null ? DEFAULT_TOOL_TIMEOUT_MS : value.longValue();
  }

  /** The model options the budgets set: {@code max_output_tokens}, {@code temperature}, {@code top_p}. */
  public JsonObject modelOptions() {
    JsonObject options = new JsonObject();
    for (String option : List.of("max_output_tokens", "temperature", "top_p")) {
      Object value = budgets().getValue(option);
      if (value != null) {
        options.put(option, value);
      }
    }
    String mode = json.getString("reasoning_mode");
    if (mode != null && !mode.equals("auto")) {
      options.put("reasoning_mode", mode);
    }
    return options;
  }

  public JsonObject toJson() {
    return json.copy();
  }

  private List<String> strings(String field) {
    JsonArray array = json.getJsonArray(field, new JsonArray());
    List<String> values = new ArrayList<>(array.size());
    array.forEach(item -> values.add(String.valueOf(item)));
    return values;
  }
}
