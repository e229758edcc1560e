package dev.arkloop.api.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;

/**
 * A small builder of JSON Schema 2020-12 (the dialect of OpenAPI 3.1 and of AsyncAPI payloads):
 * {@code JsonSchema.object().required("content", JsonSchema.string().length(1, 20000))}. Each call
 * returns a new schema, so shared pieces can be reused safely.
 */
public final class JsonSchema {
  private final JsonObject json;

  private JsonSchema(JsonObject json) {
    this.json = json;
  }

  public static JsonSchema of(JsonObject json) {
    return new JsonSchema(json.copy());
  }

  private static JsonSchema type(String type) {
    return new JsonSchema(new JsonObject().put("type", type));
  }

  public static JsonSchema string() {
    return type("string");
  }

  public static JsonSchema integer() {
    return type("integer");
  }

  public static JsonSchema number() {
    return type("number");
  }

  public static JsonSchema bool() {
    return type("boolean");
  }

  public static JsonSchema object() {
    return type("object");
  }

  public static JsonSchema array(JsonSchema items) {
    return new JsonSchema(new JsonObject().put("type", "array").put("items", items.json.copy()));
  }

  public static JsonSchema uuid() {
    return string().format("uuid");
  }

  public static JsonSchema dateTime() {
    return string().format("date-time");
  }

  public static JsonSchema enumOf(String... values) {
    return string().with("enum", new JsonArray(Arrays.asList(values)));
  }

  public static JsonSchema constant(String value) {
    return string().with("const", value);
  }

  /** A reference to a named schema under {@code #/components/schemas}. */
  public static JsonSchema ref(String name) {
    return new JsonSchema(new JsonObject().put("$ref", "#/components/schemas/" + name));
  }

  /** Any JSON value. */
  /** Exactly one of the alternatives. */
  public static JsonSchema oneOf(JsonSchema... alternatives) {
    JsonArray list = new JsonArray();
    for (JsonSchema alternative : alternatives) {
      list.add(alternative.toJson());
    }
    return of(new JsonObject().put("oneOf", list));
  }

  public static JsonSchema any() {
    return new JsonSchema(new JsonObject());
  }

  public JsonSchema format(String format) {
    return with("format", format);
  }

  public JsonSchema description(String text) {
    return with("description", text);
  }

  public JsonSchema length(int min, int max) {
    return with("minLength", min).with("maxLength", max);
  }

  public JsonSchema pattern(String regex) {
    return with("pattern", regex);
  }

  public JsonSchema minimum(long min) {
    return with("minimum", min);
  }

  public JsonSchema range(long min, long max) {
    return with("minimum", min).with("maximum", max);
  }

  public JsonSchema defaultValue(Object value) {
    return with("default", value);
  }

  public JsonSchema example(Object value) {
    return with("examples", new JsonArray().add(value));
  }

  /** Also allows {@code null}: {@code type: [t, "null"]}, or {@code anyOf} around a reference. */
  public JsonSchema nullable() {
    JsonObject copy = json.copy();
    Object type = copy.getValue("type");
    if (type instanceof String single) {
      copy.put("type", new JsonArray().add(single).add("null"));
      if (copy.containsKey("enum")) {
        copy.getJsonArray("enum").addNull();
      }
      return new JsonSchema(copy);
    }
    return new JsonSchema(new JsonObject().put("anyOf", new JsonArray().add(copy)
        .add(new JsonObject().put("type", "null"))));
  }

  /** An optional property. */
  public JsonSchema property(String name, JsonSchema schema) {
    JsonObject copy = json.copy();
    JsonObject properties = copy.getJsonObject("properties", new JsonObject());
    properties.put(name, schema.json.copy());
    copy.put("properties", properties);
    return new JsonSchema(copy);
  }

  /** A property that must be present. */
  public JsonSchema required(String name, JsonSchema schema) {
    JsonObject copy = property(name, schema).json;
    JsonArray required = copy.getJsonArray("required", new JsonArray());
    if (!required.contains(name)) {
      required.add(name);
    }
    copy.put("required", required);
    return new JsonSchema(copy);
  }

  public JsonSchema additionalProperties(JsonSchema schema) {
    return with("additionalProperties", schema.json.copy());
  }

  /** A map of string keys to values of one schema. */
  public static JsonSchema mapOf(JsonSchema values) {
    return object().additionalProperties(values);
  }

  public JsonSchema with(String keyword, Object value) {
    JsonObject copy = json.copy();
    copy.put(keyword, value);
    return new JsonSchema(copy);
  }

  public JsonObject toJson() {
    return json.copy();
  }
}
