package dev.arkloop.api.threads;

import dev.arkloop.api.http.Params;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.UUID;

/**
 * A keyset position in a newest-first list: the sort timestamp and id of the last item seen. Its
 * wire form is base64url of {@code <RFC 3339 timestamp, microseconds>|<id>}; clients treat it as
 * opaque. Keyset (not offset) paging is what keeps pages free of duplicates and gaps while rows are
 * inserted concurrently.
 */
public record ThreadCursor(OffsetDateTime sortTime, UUID id) {
  private static final DateTimeFormatter MICROS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'");

  public String encode() {
    String raw = MICROS.format(sortTime.withOffsetSameInstant(ZoneOffset.UTC)) + "|" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The cursor of a list request: {@code before}, its alias {@code cursor}, or the legacy pair
   * {@code <legacyTimeParam>} + {@code before_id} (both or neither); null for the first page.
   */
  public static ThreadCursor fromRequest(RoutingContext ctx, String legacyTimeParam) {
    String opaque = Params.query(ctx, "before");
    String name = "before";
    if (opaque == null) {
      opaque = Params.query(ctx, "cursor");
      name = "cursor";
    }
    if (opaque != null) {
      return decode(name, opaque);
    }
    String time = Params.query(ctx, legacyTimeParam);
    String id = Params.query(ctx, "before_id");
    if (time == null && id == null) {
      return null;
    }
    if (time == null || id == null) {
      throw new ApiException(400, "validation.error", legacyTimeParam + " and before_id go together",
          new JsonObject().put("reason", "cursor_incomplete")
              .put("field", time == null ? legacyTimeParam : "before_id"));
    }
    return new ThreadCursor(timestamp(legacyTimeParam, time), uuid("before_id", id));
  }

  static ThreadCursor decode(String param, String value) {
    String raw;
    try {
      raw = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw invalid(param);
    }
    int bar = raw.indexOf('|');
    if (bar < 0) {
      throw invalid(param);
    }
    return new ThreadCursor(timestamp(param, raw.substring(0, bar)), uuid(param, raw.substring(bar + 1)));
  }

  private static OffsetDateTime timestamp(String param, String value) {
    try {
      return OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw invalid(param);
    }
  }

  private static UUID uuid(String param, String value) {
    UUID id = Ids.parseUuid(value);
    if (id == null) {
      throw invalid(param);
    }
    return id;
  }

  private static ApiException invalid(String param) {
    return ApiException.invalid(param, param + " is not a valid cursor");
  }
}
