package dev.arkloop.api.http;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
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

  /** PostgreSQL text cannot hold NUL, so a string with one is refused here rather than failing there. */
  public String optionalString(String field) {
    return withoutNul(field, typed(field, String.class, "a string"));
  }

  /** PostgreSQL text cannot hold U+0000; letting one through would end in a 500. */
  private static String withoutNul(String field, String value) {
    if (value != null && value.indexOf(0) >= 0) {
      throw ApiException.invalid(field, field + " must not contain NUL characters");
    }
    return value;
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

  public JsonObject optionalObject(String field) {
    return typed(field, JsonObject.class, "an object");
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
      values.add(withoutNul(field, text));
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
