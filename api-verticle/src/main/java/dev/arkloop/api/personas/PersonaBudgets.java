package dev.arkloop.api.personas;

import dev.arkloop.api.http.RequestBody;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.json.JsonObject;

/** Checks a persona's {@code budgets}: known keys typed and in range, unknown keys kept as given. */
final class PersonaBudgets {
  private PersonaBudgets() {}

  static JsonObject check(JsonObject budgets) {
    RequestBody body = RequestBody.wrap(budgets);
    JsonObject checked = budgets.copy();
    integer(body, checked, "reasoning_iterations", 1, 1000);
    integer(body, checked, "tool_continuation_budget", 0, 100_000);
    integer(body, checked, "max_output_tokens", 1, 10_000_000);
    integer(body, checked, "tool_timeout_ms", 100, 3_600_000);
    number(body, checked, "temperature", 0, 2);
    number(body, checked, "top_p", 0, 1);
    if (budgets.containsKey("per_tool_soft_limits")) {
      body.optionalObject("per_tool_soft_limits");
    }
    return checked;
  }

  private static void integer(RequestBody body, JsonObject checked, String field, long min, long max) {
    Long value = optional(() -> body.optionalLong(field), field);
    if (value != null && (value < min || value > max)) {
      throw ApiException.invalid("budgets." + field, "budgets." + field + " must be between " + min + " and " + max);
    }
    put(checked, field, value);
  }

  private static void number(RequestBody body, JsonObject checked, String field, double min, double max) {
    Double value = optional(() -> body.optionalDouble(field), field);
    if (value != null && (value < min || value > max || value.isNaN())) {
      throw ApiException.invalid("budgets." + field, "budgets." + field + " must be between " + min + " and " + max);
    }
    put(checked, field, value);
  }

  private static void put(JsonObject checked, String field, Object value) {
    if (value == null) {
      checked.remove(field);
    } else {
      checked.put(field, value);
    }
  }

  /** Re-raises a type error naming the nested field. */
  private static <T> T optional(java.util.function.Supplier<T> read, String field) {
    try {
      return read.get();
    } catch (ApiException e) {
      throw new ApiException(e.status(), e.code(), "budgets." + field + ": " + e.getMessage(),
          new JsonObject().put("field", "budgets." + field));
    }
  }
}
