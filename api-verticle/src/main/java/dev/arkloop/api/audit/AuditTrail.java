package dev.arkloop.api.audit;

import dev.arkloop.api.http.Auditor;
import dev.arkloop.api.http.ClientIp;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.TraceIdHandler;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes audit entries without holding up the request: the insert is sent and not waited for; a
 * failure is logged, never turned into an error for the caller. Entries recorded while an insert is
 * in flight go together in the next one (one pipelined batch, one commit), so a busy API node
 * spends one database round trip on many entries instead of one each.
 */
public final class AuditTrail implements Auditor {
  private static final Logger LOG = LoggerFactory.getLogger(AuditTrail.class);
  private static final String BEFORE_KEY = "arkloop.audit.before";
  /** Fields never copied into audit state: secrets shown once, credentials. */
  private static final java.util.Set<String> SECRET_FIELDS =
      java.util.Set.of("key", "token", "api_key", "password", "secret", "bearer_token", "access_token");
  private static final String INSERT = """
      INSERT INTO audit_logs (id, org_id, actor_user_id, action, target_type, target_id, trace_id, metadata,
        ip_address, user_agent, before_state, after_state, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, clock_timestamp())""";
  private static final int MAX_BATCH = 200;

  /** Where a request came from, as an audit entry records it. */
  public record Origin(String traceId, String ip, String userAgent) {}

  private final Pool pool;
  private final Queue<Tuple> pending = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean sending = new AtomicBoolean();

  public AuditTrail(Pool pool) {
    this.pool = pool;
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
    return new Origin(TraceIdHandler.traceId(ctx), ClientIp.of(ctx),
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
    pending.add(values);
    sendPending();
  }

  private void sendPending() {
    if (pending.isEmpty() || !sending.compareAndSet(false, true)) {
      return;
    }
    List<Tuple> batch = new ArrayList<>();
    for (Tuple next; batch.size() < MAX_BATCH && (next = pending.poll()) != null; ) {
      batch.add(next);
    }
    pool.preparedQuery(INSERT).executeBatch(batch)
        .recover(e -> batch.size() == 1 ? Future.failedFuture(e) : insertEach(batch))
        .onFailure(e -> LOG.warn("audit entry not written [action: {}]: {}", batch.get(0).getValue(3), e.toString()))
        .onComplete(done -> {
          sending.set(false);
          sendPending();
        });
  }

  /** A failed batch is retried entry by entry, so one bad entry does not take the others with it. */
  private Future<RowSet<Row>> insertEach(List<Tuple> batch) {
    batch.forEach(values -> pool.preparedQuery(INSERT).execute(values)
        .onFailure(e -> LOG.warn("audit entry not written [action: {}]: {}", values.getValue(3), e.toString())));
    return Future.succeededFuture();
  }

  private static JsonObject redacted(JsonObject state) {
    if (state == null) {
      return null;
    }
    if (SECRET_FIELDS.stream().noneMatch(state::containsKey)) {
      return state; // nothing to hide: no deep copy of every audited response
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
