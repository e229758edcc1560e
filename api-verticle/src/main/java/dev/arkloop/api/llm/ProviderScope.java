package dev.arkloop.api.llm;

import static dev.arkloop.api.http.Permissions.PLATFORM_ADMIN;

import dev.arkloop.api.http.Principal;
import dev.arkloop.common.error.ApiException;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Whose providers a call manages: the caller's account (default), or with {@code ?scope=platform}
 * the platform's (rows without {@code org_id}, serving every account; needs {@code platform.admin}).
 */
record ProviderScope(UUID orgId) {

  boolean platform() {
    return orgId == null;
  }

  static ProviderScope of(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    String scope = dev.arkloop.api.http.ScopeParam.requested(ctx);
    if (scope == null || scope.equals("org")) {
      return new ProviderScope(principal.orgId());
    }
    if (!principal.has(PLATFORM_ADMIN)) {
      ApiException forbidden = ApiException.forbidden("permission_missing", "missing permission " + PLATFORM_ADMIN);
      forbidden.details().put("permission", PLATFORM_ADMIN);
      throw forbidden;
    }
    return new ProviderScope(null);
  }
}
