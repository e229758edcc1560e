package dev.arkloop.api.audit;

import dev.arkloop.api.http.Auditor;
import dev.arkloop.api.http.ClientIp;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.TraceIdHandler;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit entries without holding up the request: the insert is sent and not waited for; a
 * failure is logged, never turned into an error for the caller.
 */
public final class AuditTrail implements Auditor {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  private static final String BEFORE_KEY = "arkloop.audit.before";
  /** Fields never copied into audit state: secrets shown once, credentials. */
  private static final java.util.Set<String> SECRET_FIELDS =
      java.util.Set.of("key", "token", "api_key", "password", "secret", "bearer_token", "access_token");
  private static final String INSERT = """
      INSERT INTO audit_logs (id, org_id, actor_user_id, action, target_type, target_id, trace_id, metadata,
        ip_address, user_agent, before_state, after_state)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)""";

  /** Where a request came from, as an audit entry records it. */
  public record Origin(String traceId, String ip, String userAgent) {}

  private final Pool pool;
  private final boolean trustForwardedFor;

  public AuditTrail(Pool pool, boolean trustForwardedFor) {
    this.pool = pool;
    this.trustForwardedFor = trustForwardedFor;
  }

  /** Remembers the state a mutation starts from, for {@code before_state}. */
  public static void before(RoutingContext ctx, JsonObject state) {
    ctx.put(BEFORE_KEY, state);
  }

  /** Records a successful authenticated call; target = the result's {@code id}, else the last path id. */
  @Override
  public void record(RoutingContext ctx, String action, JsonObject after) {
    Principal principal = Principal.ifAuthenticated(ctx);
    String targetId = after != null && after.getValue("id") != null ? String.valueOf(after.getValue("id"))
        : lastPathId(ctx);
    String targetType = action.contains(".") ? action.substring(0, action.indexOf('.')) : action;
    write(principal == null ? null : principal.orgId(), principal == null ? null : principal.userId(), action,
        targetType, targetId, origin(ctx), new JsonObject(), redacted(ctx.get(BEFORE_KEY)), redacted(after));
  }

  public Origin origin(RoutingContext ctx) {
    String userAgent = ctx.request().getHeader("User-Agent");
    return new Origin(TraceIdHandler.traceId(ctx), ClientIp.of(ctx, trustForwardedFor),
        userAgent == null ? null : userAgent.substring(0, Math.min(512, userAgent.length())));
  }

  /** Records an event not tied to a successful route (logins, failed logins, token reuse). */
  public void event(RoutingContext ctx, UUID orgId, UUID actorUserId, String action, JsonObject metadata) {
    event(origin(ctx), orgId, actorUserId, action, metadata);
  }

  public void event(Origin origin, UUID orgId, UUID actorUserId, String action, JsonObject metadata) {
    write(orgId, actorUserId, action, "user", actorUserId == null ? null : actorUserId.toString(), origin, metadata,
        null, null);
  }

  /** Records an event outside any request. */
  public void system(UUID orgId, UUID actorUserId, String action, String targetType, String targetId,
      JsonObject metadata) {
    insert(Tuple.of(Ids.newId(), orgId, actorUserId, action, targetType, targetId, Ids.newTraceId(), metadata)
        .addValue(null).addValue(null).addValue(null).addValue(null));
  }

  private void write(UUID orgId, UUID actor, String action, String targetType, String targetId, Origin origin,
      JsonObject metadata, JsonObject before, JsonObject after) {
    insert(Tuple.of(Ids.newId(), orgId, actor, action, targetType, targetId, origin.traceId(), metadata)
        .addValue(origin.ip())
        .addValue(origin.userAgent())
        .addValue(before)
        .addValue(after));
  }

  private void insert(Tuple values) {
    pool.preparedQuery(INSERT).execute(values)
        .onFailure(e -> LOG.warn("audit entry not written [action: {}]: {}", values.getValue(3), e.toString()));
  }

  private static JsonObject redacted(JsonObject state) {
    if (state == null) {
      return null;
    }
    JsonObject copy = state.copy();
    SECRET_FIELDS.forEach(copy::remove);
    return copy;
  }

  private static String lastPathId(RoutingContext ctx) {
    String template = ctx.currentRoute() == null ? null : ctx.currentRoute().getPath();
    if (template == null || !template.contains(":")) {
      return null;
    }
    String name = template.substring(template.lastIndexOf(':') + 1).split("/")[0];
    return ctx.pathParam(name);
  }
}
