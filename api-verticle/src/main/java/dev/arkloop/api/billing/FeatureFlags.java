package dev.arkloop.api.billing;

import dev.arkloop.api.identity.AccountFlags;
import dev.arkloop.common.error.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A flag's value for an account: the account's override, else the flag's default. Cached per account
 * like entitlements; any flag change drops every cached value on every node (event bus).
 */
public final class FeatureFlags implements AccountFlags {
  public static final String CHANGED = "arkloop.billing.flags.changed";
  private static final String RESOLVE = """
      SELECT f.key, coalesce(o.enabled, f.default_value) AS enabled FROM feature_flags f
      LEFT JOIN feature_flag_overrides o ON o.flag_id = f.id AND o.org_id = $1 ORDER BY f.key""";

  private final Vertx vertx;
  private final Pool pool;
  private final OrgCache<Map<String, Boolean>> cache;

  FeatureFlags(Vertx vertx, Pool pool, long ttlMillis) {
    this.vertx = vertx;
    this.pool = pool;
    this.cache = new OrgCache<>(ttlMillis, orgId -> pool.preparedQuery(RESOLVE).execute(Tuple.of(orgId)).map(rows -> {
      Map<String, Boolean> values = new LinkedHashMap<>();
      for (Row row : rows) {
        values.put(row.getString("key"), row.getBoolean("enabled"));
      }
      return new OrgCache.Loaded<>(java.util.Collections.unmodifiableMap(values), null);
    }));
  }

  Future<Void> listen() {
    return vertx.eventBus().consumer(CHANGED, message -> cache.invalidate(null)).completion();
  }

  void announceChange() {
    vertx.eventBus().publish(CHANGED, new JsonObject());
  }

  /** The flag's value for the account; null when no such flag exists. */
  public Future<Boolean> value(UUID orgId, String key) {
    return cache.get(orgId).map(values -> values.get(key));
  }

  @Override
  public Future<Boolean> registrationOpen() {
    return value(null, REGISTRATION_OPEN).map(open -> open == null || open);
  }

  @Override
  public Future<Void> requireVerifiedEmail(UUID userId, UUID orgId) {
    return value(orgId, REQUIRE_EMAIL_VERIFICATION).compose(required -> !Boolean.TRUE.equals(required)
        ? Future.succeededFuture()
        : pool.preparedQuery("SELECT email_verified FROM users WHERE id = $1").execute(Tuple.of(userId))
            .compose(rows -> rows.size() > 0 && rows.iterator().next().getBoolean("email_verified")
                ? Future.succeededFuture()
                : Future.failedFuture(DomainException.forbidden("email_not_verified",
                    "verify your email address before signing in"))));
  }

  @Override
  public Future<JsonObject> inForce(UUID orgId) {
    return cache.get(orgId).map(values -> {
      JsonObject flags = new JsonObject();
      values.forEach(flags::put);
      return flags;
    });
  }
}
