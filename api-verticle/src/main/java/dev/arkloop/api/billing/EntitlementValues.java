package dev.arkloop.api.billing;

import dev.arkloop.api.http.Fields;
import dev.arkloop.common.error.ApiException;
import java.util.Map;

/** Validates an entitlement's key, value and value type (400 naming the field when wrong). */
final class EntitlementValues {
  /** The keys the server enforces, with the type their value must have. */
  static final Map<String, String> KNOWN = Map.of(
      Entitlements.CONCURRENT_RUNS, "integer",
      Entitlements.RUNS_PER_MONTH, "integer",
      Entitlements.TOKENS_PER_MONTH, "integer",
      Entitlements.TEAM_MEMBERS, "integer",
      Entitlements.MONTHLY_GRANT, "integer",
      Entitlements.BYOK_ENABLED, "boolean",
      Entitlements.MCP_REMOTE_ENABLED, "boolean");

  private EntitlementValues() {}

  static String key(String key) {
    String trimmed = Fields.length("key", key.trim(), 1, 100);
    if (!trimmed.matches("[a-z0-9_]+(\\.[a-z0-9_]+)*")) {
      throw ApiException.invalid("key", "key must be dotted lowercase words, e.g. quota.runs_per_month");
    }
    return trimmed;
  }

  /** The value in its canonical text form for its type. */
  static String value(String key, String value, String valueType) {
    Fields.oneOf("value_type", valueType, "integer", "boolean", "string");
    String expected = KNOWN.get(key);
    if (expected != null && !expected.equals(valueType)) {
      throw ApiException.invalid("value_type", key + " takes a value of type " + expected);
    }
    String trimmed = value.trim();
    switch (valueType) {
      case "integer" -> {
        try {
          long parsed = Long.parseLong(trimmed);
          if (parsed < 0) {
            throw ApiException.invalid("value", "value must not be negative (0 = unlimited)");
          }
          return String.valueOf(parsed);
        } catch (NumberFormatException e) {
          throw ApiException.invalid("value", "value must be an integer");
        }
      }
      case "boolean" -> {
        if (!trimmed.equals("true") && !trimmed.equals("false")) {
          throw ApiException.invalid("value", "value must be true or false");
        }
        return trimmed;
      }
      default -> {
        return Fields.length("value", value, 0, 1000);
      }
    }
  }
}
