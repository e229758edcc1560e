package dev.arkloop.api.admin;

import dev.arkloop.common.error.ApiException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.UUID;

/** The admin lists' opaque cursor: base64url of {@code <sort time>|<id>}, to the microsecond. */
final class Cursors {
  /** A decoded cursor. */
  record Position(OffsetDateTime time, UUID id) {}

  private Cursors() {}

  static String of(OffsetDateTime time, UUID id) {
    return Base64.getUrlEncoder().withoutPadding()
        .encodeToString((time.toString() + "|" + id).getBytes(StandardCharsets.UTF_8));
  }

  /** {@code before}, or its alias {@code cursor}; null when neither is given. */
  static Position parse(io.vertx.ext.web.RoutingContext ctx) {
    String name = ctx.request().getParam("before") != null ? "before" : "cursor";
    String value = dev.arkloop.api.http.Params.query(ctx, name);
    if (value == null) {
      return null;
    }
    try {
      String[] parts = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8).split("\\|");
      return new Position(OffsetDateTime.parse(parts[0]), UUID.fromString(parts[1]));
    } catch (RuntimeException e) {
      throw ApiException.invalid(name, name + " is not a valid cursor");
    }
  }
}
