package dev.arkloop.api.http;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.UUID;

/** Validated path and query parameters; every failure is a 400 naming the parameter. */
public final class Params {
  private Params() {}

  /** A path parameter that must be a UUID. */
  public static UUID pathId(RoutingContext ctx, String name) {
    UUID id = Ids.parseUuid(ctx.pathParam(name));
    if (id == null) {
      throw ApiException.invalid(name, name + " must be a UUID");
    }
    return id;
  }

  /** An optional query parameter; blank counts as absent, NUL (which PostgreSQL text cannot hold) is refused. */
  public static String query(RoutingContext ctx, String name) {
    String value = ctx.request().getParam(name);
    if (value != null && value.indexOf('\0') >= 0) {
      throw ApiException.invalid(name, name + " must not contain NUL characters");
    }
    return value == null || value.isBlank() ? null : value;
  }

  public static UUID optionalUuid(RoutingContext ctx, String name) {
    String value = query(ctx, name);
    if (value == null) {
      return null;
    }
    UUID id = Ids.parseUuid(value);
    if (id == null) {
      throw ApiException.invalid(name, name + " must be a UUID");
    }
    return id;
  }

  /** {@code limit}: default when absent, else an integer in [1, max]. */
  public static int limit(RoutingContext ctx, int defaultLimit, int max) {
    return intInRange(ctx, "limit", defaultLimit, 1, max);
  }

  public static int intInRange(RoutingContext ctx, String name, int defaultValue, int min, int max) {
    String value = query(ctx, name);
    if (value == null) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < min || parsed > max) {
        throw ApiException.invalid(name, name + " must be between " + min + " and " + max);
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw ApiException.invalid(name, name + " must be an integer");
    }
  }

  public static boolean bool(RoutingContext ctx, String name, boolean defaultValue) {
    String value = query(ctx, name);
    if (value == null) {
      return defaultValue;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw ApiException.invalid(name, name + " must be true or false");
    };
  }
}
