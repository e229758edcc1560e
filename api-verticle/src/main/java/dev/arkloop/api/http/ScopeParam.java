package dev.arkloop.api.http;

import dev.arkloop.api.auth.Authenticator;
import dev.arkloop.api.auth.Permissions;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The {@code ?scope=} of configuration endpoints: {@code org} (the caller's account) or {@code
 * platform} (global, needs {@code platform.admin}). Any other value is a 400.
 */
public final class ScopeParam {
  public static final String ORG = "org";
  public static final String PLATFORM = "platform";

  private ScopeParam() {}

  /** The scope asked for (or {@code defaultScope}), after checking the caller may use it. */
  public static String of(RoutingContext ctx, String defaultScope, String orgPermission) {
    String scope = Params.query(ctx, "scope");
    scope = scope == null ? defaultScope : scope;
    if (!scope.equals(ORG) && !scope.equals(PLATFORM)) {
      throw ApiException.invalid("scope", "scope must be org or platform");
    }
    String needed = scope.equals(PLATFORM) ? Permissions.PLATFORM_ADMIN : orgPermission;
    if (needed != null && !Authenticator.principal(ctx).has(needed)) {
      throw new ApiException(403, "auth.forbidden", "missing permission " + needed,
          new JsonObject().put("reason", "permission_missing").put("permission", needed));
    }
    return scope;
  }
}
