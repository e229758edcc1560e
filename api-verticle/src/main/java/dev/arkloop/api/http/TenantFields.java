package dev.arkloop.api.http;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The original clients call an account {@code account_id} where this API says {@code org_id}:
 * every response object with {@code org_id} gets {@code account_id} with the same value.
 */
final class TenantFields {
  private static final int MAX_DEPTH = 6;

  private TenantFields() {}

  static void addAccountIds(Object value) {
    add(value, 0);
  }

  private static void add(Object value, int depth) {
    if (depth > MAX_DEPTH) {
      return;
    }
    if (value instanceof JsonObject object) {
      if (object.containsKey("org_id") && !object.containsKey("account_id")) {
        object.put("account_id", object.getValue("org_id"));
      }
      for (String field : object.fieldNames()) {
        Object child = object.getValue(field);
        if (child instanceof JsonObject || child instanceof JsonArray) {
          add(child, depth + 1);
        }
      }
    } else if (value instanceof JsonArray array) {
      for (Object child : array) {
        add(child, depth + 1);
      }
    }
  }
}
