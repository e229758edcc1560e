package dev.arkloop.api.identity;

import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** The caller's own profile and invite code under {@code /v1/me}. */
public final class MeRoutes {
  private final UserRepository users;
  private final InviteCodeRepository inviteCodes;

  private final AccountFlags flags;

  public MeRoutes(UserRepository users, InviteCodeRepository inviteCodes, AccountFlags flags) {
    this.flags = flags;
    this.users = users;
    this.inviteCodes = inviteCodes;
  }

  public void mount(Routes routes) {
    routes.get("/v1/me").anyCaller().respond(this::me);
    routes.patch("/v1/me").requires(Permissions.PROFILE_WRITE).audit("user.update").respond(this::update);
    routes.get("/v1/me/invite-code").requires(Permissions.PROFILE_READ).respond(ctx -> inviteCodes.current(Principal.of(ctx).userId()));
    routes.post("/v1/me/invite-code/reset").requires(Permissions.PROFILE_WRITE).audit("invite_code.reset")
        .respond(ctx -> inviteCodes.reset(Principal.of(ctx).userId()));
  }

  private Future<JsonObject> me(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    return users.me(principal.userId(), principal.orgId()).compose(me -> {
      if (me == null) {
        throw ApiException.unauthorized("user_not_found", "user no longer exists");
      }
      return flags.inForce(principal.orgId()).map(inForce -> me.put("role", principal.role())
          .put("permissions", new JsonArray(Permissions.sorted(principal.permissions())))
          .put("email_verification_required", inForce.getBoolean(AccountFlags.REQUIRE_EMAIL_VERIFICATION, false))
          .put("feature_flags", inForce)
          .put("work_enabled", false));
    });
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String username = body.has("username") ? Fields.length("username", body.string("username"), 1, 64) : null;
    String timezone = Fields.timezone("timezone", body.optionalString("timezone"));
    return users.update(Principal.of(ctx).userId(), username, timezone);
  }
}
