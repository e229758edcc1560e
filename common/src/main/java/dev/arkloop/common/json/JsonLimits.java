package dev.arkloop.common.json;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How deep JSON may nest. Request bodies are refused past {@link #MAX_BODY_DEPTH}. Values read back
 * from storage are shown only up to {@link #MAX_READ_DEPTH}: JSON stored before the body limit
 * existed (up to Jackson's 1,000 levels) would otherwise fail the encoding of every response that
 * includes it, so a deeper stored value reads as null instead.
 */
public final class JsonLimits {
  public static final int MAX_BODY_DEPTH = 64;
  public static final int MAX_READ_DEPTH = 256;
  private static final Logger LOG = LoggerFactory.getLogger(JsonLimits.class);

  private JsonLimits() {}

  /** True when {@code value} nests more than {@code max} objects/arrays deep. */
  public static boolean deeperThan(Object value, int max) {
    return depth(value, max + 1) > max;
  }

  /** {@code value}, or null (logged) when it nests deeper than a response can carry. */
  @SuppressWarnings("unchecked")
  public static <T> T readable(T value, String what) {
    if ((value instanceof JsonObject || value instanceof JsonArray) && deeperThan(value, MAX_READ_DEPTH)) {
      LOG.warn("stored JSON nested deeper than {} levels shown as null [field: {}]", MAX_READ_DEPTH, what);
      return null;
    }
    return value;
  }

  /** The nesting depth of {@code value}, counting no further than {@code limit}. */
  private static int depth(Object value, int limit) {
    if (limit <= 0) {
      return 0;
    }
    Iterable<?> children;
    if (value instanceof JsonObject object) {
      children = object.getMap().values();
    } else if (value instanceof Map<?, ?> map) {
      children = map.values();
    } else if (value instanceof JsonArray array) {
      children = array.getList();
    } else if (value instanceof List<?> list) {
      children = list;
    } else {
      return 0;
    }
    int deepest = 0;
    for (Object child : children) {
      deepest = Math.max(deepest, depth(child, limit - 1));
      if (deepest >= limit - 1) {
        break;
      }
    }
    return deepest + 1;
  }
}
