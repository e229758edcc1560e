package dev.arkloop.api.billing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The effective value of an entitlement key for an account: its newest unexpired override, else the
 * value in the plan of its active subscription, else the platform default from configuration.
 * Cached per account; every change to plans, subscriptions or overrides is announced on the
 * clustered event bus and drops the cached values on every node.
 */
public final class Entitlements {
  public static final String CHANGED = "arkloop.billing.entitlements.changed";
  public static final String CONCURRENT_RUNS = "limit.concurrent_runs";
  public static final String RUNS_PER_MONTH = "quota.runs_per_month";
  public static final String TOKENS_PER_MONTH = "quota.tokens_per_month";
  public static final String TEAM_MEMBERS = "limit.team_members";
  public static final String MONTHLY_GRANT = "credits.monthly_grant";
  public static final String BYOK_ENABLED = "feature.byok_enabled";
  public static final String MCP_REMOTE_ENABLED = "feature.mcp_remote_enabled";

  // overrides (newest first) before the plan; the first value seen for a key wins
  private static final String RESOLVE = """
      SELECT key, value, expires_at, 1 AS rank, created_at FROM entitlement_overrides
      WHERE org_id = $1 AND (expires_at IS NULL OR expires_at > now())
      UNION ALL
      SELECT pe.key, pe.value, NULL, 2, s.created_at FROM subscriptions s
      JOIN plan_entitlements pe ON pe.plan_id = s.plan_id
      WHERE s.org_id = $1 AND s.status = 'active'
      ORDER BY rank, created_at DESC""";

  private final Vertx vertx;
  private final Map<String, String> defaults;
  private final OrgCache<Map<String, String>> cache;

  Entitlements(Vertx vertx, Pool pool, Map<String, String> defaults, long ttlMillis) {
    this.vertx = vertx;
    this.defaults = defaults;
    this.cache = new OrgCache<>(ttlMillis, orgId -> pool.preparedQuery(RESOLVE).execute(Tuple.of(orgId))
        .map(rows -> {
          Map<String, String> values = new HashMap<>(defaults);
          java.util.Set<String> seen = new java.util.HashSet<>();
          Instant validUntil = null;
          for (Row row : rows) {
            String key = row.getString("key");
            if (seen.add(key)) {
              values.put(key, row.getString("value"));
            }
            var expires = row.getOffsetDateTime("expires_at");
            if (expires != null && (validUntil == null || expires.toInstant().isBefore(validUntil))) {
              validUntil = expires.toInstant();
            }
          }
          return new OrgCache.Loaded<>(Map.copyOf(values), validUntil);
        }));
  }

  /** Drops cached values when any node announces a change. */
  Future<Void> listen() {
    return vertx.eventBus().<JsonObject>consumer(CHANGED, message -> {
      String org = message.body() == null ? null : message.body().getString("org_id");
      cache.invalidate(org == null ? null : UUID.fromString(org));
    }).completion();
  }

  /** Tells every node that an account's values (or, with null, any account's) changed. */
  void announceChange(UUID orgId) {
    vertx.eventBus().publish(CHANGED, new JsonObject().put("org_id", orgId == null ? null : orgId.toString()));
  }

  public Future<String> value(UUID orgId, String key) {
    return cache.get(orgId).map(values -> values.getOrDefault(key, defaults.get(key)));
  }

  /** An integer key; an unparseable stored value counts as the platform default. */
  public Future<Long> integer(UUID orgId, String key) {
    return value(orgId, key).map(value -> {
      try {
        return Long.parseLong(value.trim());
      } catch (RuntimeException e) {
        return Long.parseLong(defaults.getOrDefault(key, "0"));
      }
    });
  }

  /** Fails with 403 {@code auth.forbidden} ({@code details.reason} = {@code reason}) when the feature is off. */
  public Future<Void> requireEnabled(UUID orgId, String key, String reason) {
    return enabled(orgId, key).compose(on -> on ? Future.succeededFuture()
        : Future.failedFuture(dev.arkloop.common.error.DomainException.forbidden(reason,
            "the account's plan does not include " + key)));
  }

  public Future<Boolean> enabled(UUID orgId, String key) {
    return value(orgId, key).map(value -> value != null && (value.equalsIgnoreCase("true") || value.equals("1")));
  }
}
