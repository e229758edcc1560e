package dev.arkloop.api.identity;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Accounts the caller belongs to, and invitations into them. */
public final class AccountRoutes {
  private static final int INVITATION_TTL_DAYS = 7;
  private final AccountRepository accounts;
  private final InvitationRepository invitations;
  private final AccountAccess access;

  private final long initialCredits;

  private final java.util.function.Function<UUID, Future<Long>> memberLimit;

  public AccountRoutes(AccountRepository accounts, InvitationRepository invitations, long initialCredits,
      java.util.function.Function<UUID, Future<Long>> memberLimit) {
    this.initialCredits = initialCredits;
    this.memberLimit = memberLimit;
    this.accounts = accounts;
    this.invitations = invitations;
    this.access = new AccountAccess(accounts);
  }

  public void mount(Routes routes) {
    routes.post("/v1/accounts").requires(Permissions.ACCOUNTS_CREATE).status(201).audit("account.create").respond(this::create);
    routes.get("/v1/accounts/me").requires(Permissions.PROFILE_READ).respond(ctx -> accounts.accountsOf(Principal.of(ctx).userId()));
    routes.get("/v1/accounts/:account_id").requires(Permissions.PROFILE_READ).respond(this::get);
    routes.post("/v1/accounts/:account_id/invitations").requiresInAccount(Permissions.MEMBERS_INVITE).status(201).audit("invitation.create")
        .respond(this::invite);
    routes.get("/v1/accounts/:account_id/invitations").requiresInAccount(Permissions.MEMBERS_LIST).respond(this::listInvitations);
    routes.post("/v1/account-invitations/:token/accept").requires(Permissions.INVITATIONS_ACCEPT).audit("invitation.accept").respond(this::accept);
    routes.delete("/v1/account-invitations/:invitation_id").requiresInAccount(Permissions.MEMBERS_REVOKE).audit("invitation.revoke").respond(this::revoke);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String slug = Fields.slug("slug", Fields.length("slug", body.string("slug"), 1, 100));
    String name = Fields.length("name", body.string("name").trim(), 1, 200);
    UUID userId = Principal.of(ctx).userId();
    return accounts.createWorkspace(slug, name, userId, initialCredits);
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    UUID orgId = Params.pathId(ctx, "account_id");
    Principal principal = Principal.of(ctx);
    return accounts.roleOf(principal.userId(), orgId).compose(role -> role == null
        && !principal.has(Permissions.PLATFORM_ADMIN)
        ? Future.failedFuture(ApiException.notFound("accounts"))
        : accounts.account(orgId));
  }

  private Future<JsonObject> invite(RoutingContext ctx) {
    UUID orgId = Params.pathId(ctx, "account_id");
    RequestBody body = RequestBody.of(ctx);
    String email = Fields.email("email", body.string("email"));
    String role = Permissions.normalizeAccountRole(body.string("role"));
    if (role == null) {
      throw ApiException.invalid("role", "role must be account_member or account_admin");
    }
    Principal principal = Principal.of(ctx);
    String token = Tokens.random(32);
    return access.require(principal, orgId, Permissions.MEMBERS_INVITE)
        .compose(ok -> invitations.create(orgId, principal.userId(), email, role, Tokens.sha256Hex(token),
            INVITATION_TTL_DAYS))
        .map(invitation -> withAccountId(invitation).put("token", token));
  }

  private Future<JsonArray> listInvitations(RoutingContext ctx) {
    UUID orgId = Params.pathId(ctx, "account_id");
    return access.require(Principal.of(ctx), orgId, Permissions.MEMBERS_LIST)
        .compose(ok -> invitations.list(orgId))
        .map(list -> {
          list.forEach(item -> withAccountId((JsonObject) item));
          return list;
        });
  }

  private Future<JsonObject> accept(RoutingContext ctx) {
    String token = ctx.pathParam("token");
    Principal principal = Principal.of(ctx);
    return invitations.accept(Tokens.sha256Hex(token), principal.userId(), memberLimit)
        .map(org -> new JsonObject().put("ok", true).put("org_id", org.toString()));
  }

  private Future<JsonObject> revoke(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "invitation_id");
    Principal principal = Principal.of(ctx);
    return invitations.orgOf(id)
        .compose(orgId -> orgId == null ? Future.failedFuture(ApiException.notFound("invitations"))
            : access.require(principal, orgId, Permissions.MEMBERS_REVOKE)
                .recover(e -> Future.failedFuture(e instanceof ApiException api && api.status() == 404
                    ? ApiException.notFound("invitations") : e))
                .compose(ok -> invitations.revoke(id)))
        .map(v -> new JsonObject().put("ok", true));
  }

  private static JsonObject withAccountId(JsonObject invitation) {
    return invitation.put("account_id", invitation.getString("org_id"));
  }
}
