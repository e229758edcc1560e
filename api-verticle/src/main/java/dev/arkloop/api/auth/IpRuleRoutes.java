package dev.arkloop.api.auth;

import static dev.arkloop.api.http.Permissions.IP_RULES_MANAGE;

import dev.arkloop.api.http.ClientIp;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** An account's IP allowlist and blocklist. Members may list; account admins create and delete. */
public final class IpRuleRoutes implements Resource {
  private static final String COLUMNS = "id, org_id, type, cidr::text AS cidr, note, created_at";
  private final Pool pool;
  private final IpRules ipRules;
  private final boolean trustForwardedFor;

  public IpRuleRoutes(Pool pool, IpRules ipRules, boolean trustForwardedFor) {
    this.pool = pool;
    this.ipRules = ipRules;
    this.trustForwardedFor = trustForwardedFor;
  }

  @Override
  public void mount(Routes routes) {
    routes.post("/v1/ip-rules").requires(IP_RULES_MANAGE).status(201).audit("ip_rule.create").respond(this::create);
    routes.get("/v1/ip-rules").requires(IP_RULES_MANAGE).respond(ctx -> pool.preparedQuery("SELECT " + COLUMNS
            + " FROM ip_rules WHERE org_id = $1 ORDER BY created_at")
        .execute(Tuple.of(Principal.of(ctx).orgId())).map(RowJson::toArray));
    routes.delete("/v1/ip-rules/:rule_id").requires(IP_RULES_MANAGE).audit("ip_rule.delete").respond(this::delete);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String type = Fields.oneOf("type", body.string("type"), "allowlist", "blocklist");
    Cidr cidr = Cidr.parse(body.string("cidr"));
    if (cidr == null) {
      throw ApiException.invalid("cidr", "cidr must be an IPv4 or IPv6 network such as 10.0.0.0/8");
    }
    String note = Fields.length("note", body.optionalString("note"), 0, 500);
    UUID orgId = Principal.of(ctx).orgId();
    // a rule that shuts out the caller would also shut them out of removing it again
    return ipRules.permitsWith(orgId, ClientIp.of(ctx, trustForwardedFor), type, cidr)
        .compose(stillAllowed -> stillAllowed ? Future.succeededFuture() : Future.failedFuture(
            new ApiException(400, "validation.error", "this rule would lock you out of the account",
                new JsonObject().put("field", "cidr").put("reason", "self_lockout"))))
        // sent as text: the client cannot encode a String parameter typed cidr
        .compose(ok -> pool.preparedQuery("INSERT INTO ip_rules (id, org_id, type, cidr, note) "
            + "VALUES ($1, $2, $3, $4::text::cidr, $5) RETURNING " + COLUMNS)
        .execute(Tuple.of(Ids.newId(), orgId, type, cidr.toString(), note)))
        .map(RowJson::first)
        .onSuccess(rule -> ipRules.invalidate(orgId));
  }

  private Future<Void> delete(RoutingContext ctx) {
    UUID orgId = Principal.of(ctx).orgId();
    return pool.preparedQuery("DELETE FROM ip_rules WHERE id = $1 AND org_id = $2")
        .execute(Tuple.of(Params.pathId(ctx, "rule_id"), orgId))
        .compose(rows -> {
          if (rows.rowCount() == 0) {
            return Future.failedFuture(ApiException.notFound("ip_rules"));
          }
          ipRules.invalidate(orgId);
          return Future.succeededFuture();
        });
  }
}
