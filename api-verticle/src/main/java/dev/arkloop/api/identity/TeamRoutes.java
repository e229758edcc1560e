package dev.arkloop.api.identity;

import static dev.arkloop.api.http.Permissions.TEAMS_MANAGE;
import static dev.arkloop.api.http.Permissions.TEAMS_READ;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Teams of the caller's current account. */
public final class TeamRoutes {
  private final TeamRepository teams;
  private final AccountRepository accounts;

  public TeamRoutes(TeamRepository teams, AccountRepository accounts) {
    this.teams = teams;
    this.accounts = accounts;
  }

  public void mount(Routes routes) {
    routes.post("/v1/teams").requires(TEAMS_MANAGE).status(201).audit("team.create").respond(this::create);
    routes.get("/v1/teams").requires(TEAMS_READ).respond(ctx -> teams.list(orgId(ctx)));
    routes.delete("/v1/teams/:team_id").requires(TEAMS_MANAGE).audit("team.delete").respond(this::delete);
    routes.get("/v1/teams/:team_id/members").requires(TEAMS_READ).respond(this::members);
    routes.post("/v1/teams/:team_id/members").requires(TEAMS_MANAGE).status(201).audit("team.member_add")
        .respond(this::addMember);
    routes.delete("/v1/teams/:team_id/members/:user_id").requires(TEAMS_MANAGE).audit("team.member_remove")
        .respond(this::removeMember);
  }

  private static UUID orgId(RoutingContext ctx) {
    return Principal.of(ctx).orgId();
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    String name = Fields.length("name", RequestBody.of(ctx).string("name").trim(), 1, 100);
    return teams.create(orgId(ctx), name);
  }

  private Future<Void> delete(RoutingContext ctx) {
    return teams.delete(orgId(ctx), Params.pathId(ctx, "team_id"))
        .compose(deleted -> deleted ? Future.succeededFuture() : Future.failedFuture(ApiException.notFound("teams")));
  }

  private Future<JsonObject> team(RoutingContext ctx) {
    return teams.get(orgId(ctx), Params.pathId(ctx, "team_id"))
        .compose(team -> team == null ? Future.failedFuture(ApiException.notFound("teams")) : Future.succeededFuture(team));
  }

  private Future<JsonArray> members(RoutingContext ctx) {
    return team(ctx).compose(team -> teams.members(UUID.fromString(team.getString("id"))));
  }

  private Future<JsonObject> addMember(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String userParam = body.string("user_id");
    UUID userId = dev.arkloop.common.ids.Ids.parseUuid(userParam);
    if (userId == null) {
      throw ApiException.invalid("user_id", "user_id must be a UUID");
    }
    String role = Fields.oneOf("role", body.string("role"), "member", "admin");
    return team(ctx).compose(team -> accounts.roleOf(userId, orgId(ctx)).compose(memberRole -> {
      if (memberRole == null) {
        return Future.failedFuture(new ApiException(422, "validation.error", "user is not a member of this account",
            new JsonObject().put("field", "user_id")));
      }
      return teams.addMember(UUID.fromString(team.getString("id")), userId, role);
    }));
  }

  private Future<Void> removeMember(RoutingContext ctx) {
    UUID userId = Params.pathId(ctx, "user_id");
    return team(ctx).compose(team -> teams.removeMember(UUID.fromString(team.getString("id")), userId))
        .compose(removed -> removed ? Future.succeededFuture() : Future.failedFuture(ApiException.notFound("users")));
  }
}
