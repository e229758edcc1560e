package dev.arkloop.api.http;

import dev.arkloop.common.error.ApiException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@code ?scope=} of configuration endpoints: {@code org} (the caller's account) or {@code
 * platform} (global, needs {@code platform.admin}). The original clients say {@code user} or {@code
 * project} for the caller's account; both mean {@code org}. Read from the query, else from a JSON
 * body's {@code scope}. Any other value is a 400.
 */
public final class ScopeParam {
  public static final String ORG = "org";
  public static final String PLATFORM = "platform";

  private ScopeParam() {}

  /** The scope asked for (or {@code defaultScope}), after checking the caller may use it. */
  public static String of(RoutingContext ctx, String defaultScope, String orgPermission) {
    String scope = requested(ctx);
    scope = scope == null ? defaultScope : scope;
    String needed = scope.equals(PLATFORM) ? Permissions.PLATFORM_ADMIN : orgPermission;
    if (needed != null && !Principal.of(ctx).has(needed)) {
      throw new ApiException(403, "auth.forbidden", "missing permission " + needed,
          new JsonObject().put("reason", "permission_missing").put("permission", needed));
    }
    return scope;
  }

  /** {@code org}, {@code platform} or null (not given); a 400 for anything else. */
  public static String requested(RoutingContext ctx) {
    String scope = Params.query(ctx, "scope");
    if (scope == null && ctx.body() != null && ctx.body().buffer() != null) {
      Object fromBody = bodyScope(ctx);
      if (fromBody != null && !(fromBody instanceof String)) {
        throw ApiException.invalid("scope", "scope must be a string");
      }
      scope = (String) fromBody;
    }
    if (scope == null) {
      return null;
    }
    return switch (scope) {
      case ORG, "user", "project" -> ORG;
      case PLATFORM -> PLATFORM;
      default -> throw ApiException.invalid("scope", "scope must be org, user, project or platform");
    };
  }

  private static Object bodyScope(RoutingContext ctx) {
    String text = ctx.body().buffer().toString().stripLeading();
    if (!text.startsWith("{")) {
      return null;
    }
    try {
      return new JsonObject(text).getValue("scope");
    } catch (io.vertx.core.json.DecodeException e) {
      return null; // the handler reports the bad body itself
    }
  }
}
