package dev.arkloop.api.identity;

import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.Principal;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * Permission checks against an account named in the path, which may differ from the one the caller
 * acts in. A caller who is not a member gets 404, as for any resource of another tenant.
 */
public final class AccountAccess {
  private final AccountRepository accounts;

  public AccountAccess(AccountRepository accounts) {
    this.accounts = accounts;
  }

  public Future<Void> require(Principal principal, UUID orgId, String permission) {
    if (orgId.equals(principal.orgId())) {
      return check(principal.has(permission), permission);
    }
    return accounts.roleOf(principal.userId(), orgId).compose(role -> {
      boolean platformAdmin = principal.has(Permissions.PLATFORM_ADMIN);
      if (role == null && !platformAdmin) {
        return Future.failedFuture(ApiException.notFound("accounts"));
      }
      boolean allowed = platformAdmin || (Permissions.of(role).contains(permission) && !principal.viaApiKey());
      return check(allowed, permission);
    });
  }

  private static Future<Void> check(boolean allowed, String permission) {
    return allowed ? Future.succeededFuture() : Future.failedFuture(new ApiException(403, "auth.forbidden",
        "missing permission " + permission,
        new JsonObject().put("reason", "permission_missing").put("permission", permission)));
  }
}
