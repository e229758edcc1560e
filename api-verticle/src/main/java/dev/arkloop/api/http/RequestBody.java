package dev.arkloop.api.http;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Typed reads of a JSON request body. A body that is not a JSON object, or a field of the wrong JSON
 * type, is 422 (the body cannot be parsed into the request); a missing required field is 400.
 */
public final class RequestBody {
  /** The largest JSON object a request may store in one field (settings, persona objects, …). */
  public static final int MAX_STORED_JSON_BYTES = 64 * 1024;
  private final JsonObject json;

  private RequestBody(JsonObject json) {
    this.json = json;
  }

  /** The body, which must be a JSON object. */
  public static RequestBody of(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    if (buffer == null || buffer.toString().isBlank()) {
      throw ApiException.unparseable(null, "request body must be a JSON object");
    }
    return new RequestBody(parseObject(buffer));
  }

  /** The body if one was sent, else an empty object. */
  public static RequestBody optional(RoutingContext ctx) {
    Buffer buffer = ctx.body().buffer();
    if (buffer == null || buffer.toString().isBlank()) {
      return new RequestBody(new JsonObject());
    }
    return new RequestBody(parseObject(buffer));
  }

  public static RequestBody wrap(JsonObject json) {
    return new RequestBody(json);
  }

  private static JsonObject parseObject(Buffer buffer) {
    String text = buffer.toString().stripLeading();
    if (!text.startsWith("{")) {
      throw ApiException.unparseable(null, "request body must be a JSON object");
    }
    try {
      return new JsonObject(buffer);
    } catch (DecodeException e) {
      throw ApiException.unparseable(null, "request body is not valid JSON");
    }
  }

  public JsonObject json() {
    return json;
  }

  /** True when the field is present, even if null. */
  public boolean has(String field) {
    return json.containsKey(field);
  }

  public boolean isNull(String field) {
    return json.containsKey(field) && json.getValue(field) == null;
  }

  /** A required string; blank strings are rejected too. */
  public String string(String field) {
    String value = optionalString(field);
    if (value == null) {
      throw ApiException.invalid(field, field + " is required");
    }
    if (value.isBlank()) {
      throw ApiException.invalid(field, field + " must not be empty");
    }
    return value;
  }

  /** A string field. NUL characters never get here: {@link JsonBodyScreen} refuses them for every body. */
  public String optionalString(String field) {
    return typed(field, String.class, "a string");
  }

  /** An optional string field holding a UUID: wrong JSON type 422, not a UUID 400. */
  public UUID optionalUuid(String field) {
    String value = optionalString(field);
    if (value == null) {
      return null;
    }
    UUID id = Ids.parseUuid(value);
    if (id == null) {
      throw ApiException.invalid(field, field + " must be a UUID");
    }
    return id;
  }

  public Boolean optionalBoolean(String field) {
    return typed(field, Boolean.class, "a boolean");
  }

  public Long optionalLong(String field) {
    Number number = typed(field, Number.class, "an integer");
    if (number == null) {
      return null;
    }
    if (number instanceof Double || number instanceof Float) {
      double value = number.doubleValue();
      if (value != Math.rint(value) || Double.isInfinite(value)) {
        throw ApiException.unparseable(field, field + " must be an integer");
      }
    }
    return number.longValue();
  }

  public Double optionalDouble(String field) {
    Number number = typed(field, Number.class, "a number");
    return number == null ? null : number.doubleValue();
  }

  /** An object that will be stored as JSON: at most {@link #MAX_STORED_JSON_BYTES} once encoded. */
  public JsonObject optionalObject(String field) {
    return optionalObject(field, MAX_STORED_JSON_BYTES);
  }

  /** An object of at most {@code maxBytes} once encoded (400 {@code details.reason} {@code too_large}). */
  public JsonObject optionalObject(String field, int maxBytes) {
    return sized(field, typed(field, JsonObject.class, "an object"), maxBytes);
  }

  /** Any JSON value that will be stored as JSON, within {@link #MAX_STORED_JSON_BYTES}. */
  public Object optionalJsonValue(String field) {
    return sized(field, json.getValue(field), MAX_STORED_JSON_BYTES);
  }

  private static <T> T sized(String field, T value, int maxBytes) {
    if (value != null && Json.encodeToBuffer(value).length() > maxBytes) {
      throw new ApiException(400, "validation.error", field + " must be at most " + maxBytes + " bytes of JSON",
          new JsonObject().put("field", field).put("reason", "too_large").put("max_bytes", maxBytes));
    }
    return value;
  }

  public List<String> optionalStringList(String field) {
    JsonArray array = typed(field, JsonArray.class, "an array of strings");
    if (array == null) {
      return null;
    }
    List<String> values = new ArrayList<>(array.size());
    for (Object item : array) {
      if (!(item instanceof String text)) {
        throw ApiException.unparseable(field, field + " must be an array of strings");
      }
      values.add(text);
    }
    return values;
  }

  private <T> T typed(String field, Class<T> type, String description) {
    Object value = json.getValue(field);
    if (value == null) {
      return null;
    }
    if (!type.isInstance(value)) {
      throw ApiException.unparseable(field, field + " must be " + description);
    }
    return type.cast(value);
  }
}
