package dev.arkloop.api.admin;

import static dev.arkloop.api.http.Permissions.INVITE_CODES_MANAGE;
import static dev.arkloop.api.http.Permissions.PLATFORM_ADMIN;

import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** {@code /v1/admin/invite-codes} and {@code /v1/admin/referrals}. */
final class ReferralRoutes {
  private final ReferralRepository referrals;

  ReferralRoutes(ReferralRepository referrals) {
    this.referrals = referrals;
  }

  void mount(Routes routes) {
    routes.get("/v1/admin/invite-codes").requires(INVITE_CODES_MANAGE).respond(this::listCodes);
    routes.get("/v1/admin/invite-codes/:code_id").requires(INVITE_CODES_MANAGE).respond(ctx -> found(
        referrals.inviteCode(Params.pathId(ctx, "code_id"))));
    routes.patch("/v1/admin/invite-codes/:code_id").requires(INVITE_CODES_MANAGE).audit("invite_code.admin_update")
        .respond(this::patchCode);
    routes.get("/v1/admin/referrals").requires(PLATFORM_ADMIN).respond(this::listReferrals);
    routes.get("/v1/admin/referrals/tree").requires(PLATFORM_ADMIN).respond(this::tree);
  }

  private Future<JsonArray> listCodes(RoutingContext ctx) {
    String q = Params.query(ctx, "q");
    int limit = Params.limit(ctx, 50, 200);
    Cursors.Position cursor = Cursors.parse(ctx);
    return referrals.inviteCodes(q == null ? null : Fields.length("q", q.trim(), 1, 200),
        cursor == null ? null : cursor.time(), cursor == null ? null : cursor.id(), limit);
  }

  private Future<JsonObject> patchCode(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "code_id");
    RequestBody body = RequestBody.of(ctx);
    Long maxUses = body.optionalLong("max_uses");
    if (maxUses != null && (maxUses < 0 || maxUses > 1_000_000)) {
      throw ApiException.invalid("max_uses", "max_uses must be between 0 and 1000000");
    }
    Boolean active = body.optionalBoolean("is_active");
    return found(referrals.inviteCode(id)).compose(before -> {
      AuditTrail.before(ctx, before);
      return found(referrals.updateInviteCode(id, maxUses == null ? null : maxUses.intValue(), active));
    });
  }

  private Future<JsonArray> listReferrals(RoutingContext ctx) {
    UUID inviter = Params.optionalUuid(ctx, "inviter_user_id");
    int limit = Params.limit(ctx, 50, 200);
    Cursors.Position cursor = Cursors.parse(ctx);
    return referrals.referrals(inviter, cursor == null ? null : cursor.time(), cursor == null ? null : cursor.id(),
        limit);
  }

  private Future<JsonArray> tree(RoutingContext ctx) {
    UUID userId = Params.optionalUuid(ctx, "user_id");
    if (userId == null) {
      throw ApiException.invalid("user_id", "user_id is required");
    }
    return referrals.tree(userId).compose(tree -> tree.isEmpty()
        ? Future.failedFuture(ApiException.notFound("users")) : Future.succeededFuture(tree));
  }

  private static Future<JsonObject> found(Future<JsonObject> lookup) {
    return lookup.compose(code -> code == null
        ? Future.failedFuture(ApiException.notFound("invite_codes")) : Future.succeededFuture(code));
  }
}
