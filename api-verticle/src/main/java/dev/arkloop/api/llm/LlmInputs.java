package dev.arkloop.api.llm;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.llm.ProviderApi;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Provider and model request bodies, checked and turned into the columns they set. A create gives
 * every column; a PATCH only those present. Fields that cannot be null reject null as a wrong type
 * (422); nullable ones clear with null. {@code api_key} and {@code base_url} stay plain here: the
 * routes seal the one and resolve the other.
 */
final class LlmInputs {
  static final String API_KEY = "api_key";
  static final String BASE_URL = "base_url";
  private static final List<String> COSTS = List.of("cost_per_1k_input", "cost_per_1k_output",
      "cost_per_1k_cache_write", "cost_per_1k_cache_read");

  private LlmInputs() {}

  static Map<String, Object> providerCreate(RequestBody body) {
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("name", name(body.string("name")));
    columns.put("provider", Fields.oneOf("provider", body.string("provider"), ProviderApi.OPENAI, ProviderApi.ANTHROPIC));
    columns.put(API_KEY, apiKey(body.string(API_KEY)));
    columns.put(BASE_URL, body.optionalString(BASE_URL));
    columns.put("openai_api_mode", apiMode(body.optionalString("openai_api_mode")));
    columns.put("advanced_json", object(body, "advanced_json"));
    return columns;
  }

  static Map<String, Object> providerPatch(RequestBody body) {
    Map<String, Object> columns = new LinkedHashMap<>();
    if (body.has("name")) {
      columns.put("name", name(notNull(body, "name").string("name")));
    }
    if (body.has("provider")) {
      columns.put("provider", Fields.oneOf("provider", notNull(body, "provider").string("provider"),
          ProviderApi.OPENAI, ProviderApi.ANTHROPIC));
    }
    if (body.has(API_KEY)) {
      columns.put(API_KEY, apiKey(notNull(body, API_KEY).string(API_KEY)));
    }
    if (body.has(BASE_URL)) {
      columns.put(BASE_URL, body.optionalString(BASE_URL));
    }
    if (body.has("openai_api_mode")) {
      columns.put("openai_api_mode", apiMode(body.optionalString("openai_api_mode")));
    }
    if (body.has("advanced_json")) {
      columns.put("advanced_json", object(body, "advanced_json"));
    }
    return columns;
  }

  static Map<String, Object> modelCreate(RequestBody body) {
    Map<String, Object> columns = new LinkedHashMap<>();
    columns.put("model", model(body.string("model")));
    Long priority = body.optionalLong("priority");
    columns.put("priority", priority == null ? 0 : priority(priority));
    Boolean isDefault = body.optionalBoolean("is_default");
    columns.put("is_default", isDefault != null && isDefault);
    Boolean inPicker = body.optionalBoolean("show_in_picker");
    columns.put("show_in_picker", inPicker == null || inPicker);
    List<String> tags = body.optionalStringList("tags");
    columns.put("tags", tags == null ? new String[0] : tags(tags));
    columns.put("when", object(body, "when"));
    columns.put("advanced_json", object(body, "advanced_json"));
    Double multiplier = body.optionalDouble("multiplier");
    columns.put("multiplier", multiplier == null ? 1.0 : amount("multiplier", multiplier, 1000));
    for (String cost : COSTS) {
      Double value = body.optionalDouble(cost);
      columns.put(cost, value == null ? null : amount(cost, value, 1_000_000));
    }
    return columns;
  }

  static Map<String, Object> modelPatch(RequestBody body) {
    Map<String, Object> columns = new LinkedHashMap<>();
    if (body.has("model")) {
      columns.put("model", model(notNull(body, "model").string("model")));
    }
    if (body.has("priority")) {
      columns.put("priority", priority(notNull(body, "priority").optionalLong("priority")));
    }
    if (body.has("is_default")) {
      columns.put("is_default", notNull(body, "is_default").optionalBoolean("is_default"));
    }
    if (body.has("show_in_picker")) {
      columns.put("show_in_picker", notNull(body, "show_in_picker").optionalBoolean("show_in_picker"));
    }
    if (body.has("tags")) {
      columns.put("tags", tags(notNull(body, "tags").optionalStringList("tags")));
    }
    for (String nullable : List.of("when", "advanced_json")) {
      if (body.has(nullable)) {
        columns.put(nullable, object(body, nullable));
      }
    }
    if (body.has("multiplier")) {
      columns.put("multiplier", amount("multiplier", notNull(body, "multiplier").optionalDouble("multiplier"), 1000));
    }
    for (String cost : COSTS) {
      if (body.has(cost)) {
        Double value = body.optionalDouble(cost);
        columns.put(cost, value == null ? null : amount(cost, value, 1_000_000));
      }
    }
    return columns;
  }

  private static JsonObject object(RequestBody body, String field) {
    return body.optionalObject(field);
  }

  private static RequestBody notNull(RequestBody body, String field) {
    if (body.isNull(field)) {
      throw ApiException.unparseable(field, field + " must not be null");
    }
    return body;
  }

  private static String name(String value) {
    String name = Fields.length("name", value.trim(), 1, 100);
    if (name.indexOf('^') >= 0) {
      throw ApiException.invalid("name", "name must not contain '^' (it separates provider and model in selectors)");
    }
    return name;
  }

  private static String apiKey(String value) {
    String key = value.strip();
    if (key.length() > 4096) {
      throw ApiException.invalid(API_KEY, "api_key must be at most 4096 characters");
    }
    if (key.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw ApiException.invalid(API_KEY, "api_key must not contain spaces or control characters");
    }
    return key;
  }

  private static String apiMode(String value) {
    return Fields.oneOf("openai_api_mode", value, "auto", "responses", "chat_completions");
  }

  private static String model(String value) {
    return Fields.length("model", value.trim(), 1, 200);
  }

  private static int priority(long value) {
    if (value < -1_000_000 || value > 1_000_000) {
      throw ApiException.invalid("priority", "priority must be between -1000000 and 1000000");
    }
    return (int) value;
  }

  private static String[] tags(List<String> tags) {
    if (tags.size() > 32) {
      throw ApiException.invalid("tags", "at most 32 tags");
    }
    for (String tag : tags) {
      Fields.length("tags", tag, 1, 64);
      if (tag.indexOf('\0') >= 0) {
        throw ApiException.invalid("tags", "tags must not contain NUL characters");
      }
    }
    return tags.stream().distinct().toArray(String[]::new);
  }

  private static double amount(String field, double value, double max) {
    if (!Double.isFinite(value) || value < 0 || value > max) {
      throw ApiException.invalid(field, field + " must be a number between 0 and " + (long) max);
    }
    return value;
  }
}
