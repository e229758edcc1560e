package dev.arkloop.api.audit;

import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** {@code GET /v1/audit-logs}: an account's audit trail, filtered, newest first, with a total. */
public final class AuditLogRoutes implements Resource {
  private static final String FILTER = """
      FROM audit_logs WHERE org_id = $1
        AND ($2::text IS NULL OR action = $2)
        AND ($3::uuid IS NULL OR actor_user_id = $3)
        AND ($4::text IS NULL OR target_type = $4)
        AND ($5::timestamptz IS NULL OR created_at >= $5)
        AND ($6::timestamptz IS NULL OR created_at < $6)""";
  private final Pool pool;

  public AuditLogRoutes(Pool pool) {
    this.pool = pool;
  }

  @Override
  public void mount(Routes routes) {
    // reading another account is checked in the handler: platform admins only
    routes.get("/v1/audit-logs").requires(Permissions.AUDIT_READ).respond(this::list);
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    UUID orgId = Params.optionalUuid(ctx, "org_id");
    if (orgId == null) {
      orgId = principal.orgId();
    }
    boolean platform = principal.has(Permissions.PLATFORM_ADMIN);
    if (!platform && !(orgId.equals(principal.orgId()) && principal.has(Permissions.AUDIT_READ))) {
      throw new ApiException(403, "auth.forbidden", "audit logs of this account are not readable for you",
          new JsonObject().put("reason", "permission_missing").put("permission", Permissions.AUDIT_READ));
    }
    int limit = Params.limit(ctx, 50, 200);
    int offset = Params.intInRange(ctx, "offset", 0, 0, Integer.MAX_VALUE);
    boolean withState = "state".equals(Params.query(ctx, "include"));
    Tuple filter = Tuple.of(orgId, Params.query(ctx, "action"), Params.optionalUuid(ctx, "actor_user_id"),
        Params.query(ctx, "target_type"), time(ctx, "since"), time(ctx, "until"));
    String columns = "id, org_id, actor_user_id, action, target_type, target_id, trace_id, metadata, ip_address, "
        + "user_agent, created_at" + (withState ? ", before_state, after_state" : "");
    Future<Long> total = pool.preparedQuery("SELECT count(*) AS total " + FILTER).execute(filter)
        .map(rows -> rows.iterator().next().getLong("total"));
    Future<io.vertx.core.json.JsonArray> page = pool.preparedQuery("SELECT " + columns + " " + FILTER
            + " ORDER BY created_at DESC, id DESC LIMIT " + limit + " OFFSET " + offset)
        .execute(filter)
        .map(RowJson::toArray);
    return Future.all(total, page).map(done -> new JsonObject().put("data", page.result()).put("total", total.result()));
  }

  private static OffsetDateTime time(RoutingContext ctx, String name) {
    String value = Params.query(ctx, name);
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(name, name + " must be an RFC 3339 timestamp");
    }
  }
}
