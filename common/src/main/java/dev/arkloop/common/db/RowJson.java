package dev.arkloop.common.db;

import dev.arkloop.common.json.JsonLimits;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * Rows as API JSON: column names are the field names (select them {@code AS} the API spells them),
 * UUIDs become strings, timestamps RFC 3339 UTC with millisecond precision, arrays JSON arrays.
 */
public final class RowJson {
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
  private static final DateTimeFormatter TIMESTAMP_MICROS =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

  private RowJson() {}

  public static JsonObject toJson(Row row) {
    JsonObject json = new JsonObject();
    for (int i = 0; i < row.size(); i++) {
      Object value = value(row.getValue(i));
      json.put(row.getColumnName(i), JsonLimits.readable(value, row.getColumnName(i)));
    }
    return json;
  }

  public static JsonArray toArray(RowSet<Row> rows) {
    JsonArray array = new JsonArray();
    for (Row row : rows) {
      array.add(toJson(row));
    }
    return array;
  }

  /** The first row as JSON, or null. */
  public static JsonObject first(RowSet<Row> rows) {
    var iterator = rows.iterator();
    return iterator.hasNext() ? toJson(iterator.next()) : null;
  }

  public static String timestamp(OffsetDateTime time) {
    return time == null ? null : TIMESTAMP.format(time.withOffsetSameInstant(ZoneOffset.UTC));
  }

  /** With the microseconds PostgreSQL keeps: for run events, many of which share a millisecond. */
  public static String timestampMicros(OffsetDateTime time) {
    return time == null ? null : TIMESTAMP_MICROS.format(time.withOffsetSameInstant(ZoneOffset.UTC));
  }

  private static Object value(Object value) {
    if (value instanceof UUID uuid) {
      return uuid.toString();
    }
    if (value instanceof OffsetDateTime time) {
      return timestamp(time);
    }
    if (value instanceof Object[] array) {
      JsonArray json = new JsonArray();
      for (Object item : array) {
        json.add(value(item));
      }
      return json;
    }
    if (value instanceof Number number && !(value instanceof Integer || value instanceof Long
        || value instanceof Double || value instanceof Short || value instanceof Float)) {
      return number.doubleValue(); // NUMERIC columns
    }
    if (value instanceof Number || value instanceof Boolean || value instanceof String || value == null
        || value instanceof JsonObject || value instanceof JsonArray) {
      return value;
    }
    return value.toString();
  }
}
