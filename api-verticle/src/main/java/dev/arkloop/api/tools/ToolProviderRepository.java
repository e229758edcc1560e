package dev.arkloop.api.tools;

import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Tool provider rows of one scope. A platform row's {@code scope_key} is the zero UUID, an org
 * row's the account id, so one unique index covers both scopes.
 */
final class ToolProviderRepository {
  static final UUID PLATFORM_KEY = new UUID(0, 0);
  private final Pool pool;

  ToolProviderRepository(Pool pool) {
    this.pool = pool;
  }

  static UUID scopeKey(String scope, UUID orgId) {
    return scope.equals("platform") ? PLATFORM_KEY : orgId;
  }

  /** The scope's rows by full provider name: {@code {is_active, key_prefix, base_url, has_key}}. */
  Future<Map<String, JsonObject>> list(String scope, UUID orgId) {
    return pool.preparedQuery("SELECT provider_name, is_active, key_prefix, base_url, api_key_sealed IS NOT NULL "
            + "AS has_key FROM tool_provider_configs WHERE scope = $1 AND scope_key = $2")
        .execute(Tuple.of(scope, scopeKey(scope, orgId)))
        .map(rows -> {
          Map<String, JsonObject> byName = new HashMap<>();
          rows.forEach(row -> byName.put(row.getString("provider_name"), new JsonObject()
              .put("is_active", row.getBoolean("is_active")).put("key_prefix", row.getString("key_prefix"))
              .put("base_url", row.getString("base_url")).put("has_key", row.getBoolean("has_key"))));
          return byName;
        });
  }

  /** Makes the provider the only active one of its group in the scope, in one transaction. */
  Future<Void> activate(String scope, UUID orgId, String group, String provider) {
    UUID key = scopeKey(scope, orgId);
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 11))")
        .execute(Tuple.of(scope + "|" + key + "|" + group))
        .compose(v -> tx.preparedQuery("UPDATE tool_provider_configs SET is_active = false, updated_at = now() "
                + "WHERE scope = $1 AND scope_key = $2 AND group_name = $3 AND provider_name <> $4 AND is_active")
            .execute(Tuple.of(scope, key, group, provider)))
        .compose(v -> ensureRow(tx, scope, orgId, group, provider))
        .compose(v -> tx.preparedQuery("UPDATE tool_provider_configs SET is_active = true, updated_at = now() "
                + "WHERE scope = $1 AND scope_key = $2 AND provider_name = $3")
            .execute(Tuple.of(scope, key, provider)))
        .mapEmpty());
  }

  Future<Void> deactivate(String scope, UUID orgId, String provider) {
    return pool.preparedQuery("UPDATE tool_provider_configs SET is_active = false, updated_at = now() "
            + "WHERE scope = $1 AND scope_key = $2 AND provider_name = $3")
        .execute(Tuple.of(scope, scopeKey(scope, orgId), provider))
        .mapEmpty();
  }

  /** Sets the given credential fields (null = leave as is); returns whether a key is now stored. */
  Future<JsonObject> setCredential(String scope, UUID orgId, String group, String provider, String sealedKey,
      String keyPrefix, String baseUrl) {
    return pool.withTransaction(tx -> ensureRow(tx, scope, orgId, group, provider)
        .compose(v -> tx.preparedQuery("UPDATE tool_provider_configs SET "
                + "api_key_sealed = coalesce($4, api_key_sealed), key_prefix = coalesce($5, key_prefix), "
                + "base_url = coalesce($6, base_url), updated_at = now() "
                + "WHERE scope = $1 AND scope_key = $2 AND provider_name = $3 "
                + "RETURNING api_key_sealed IS NOT NULL AS has_key, base_url")
            .execute(Tuple.of(scope, scopeKey(scope, orgId), provider, sealedKey, keyPrefix, baseUrl)))
        .map(rows -> {
          var row = rows.iterator().next();
          return new JsonObject().put("has_key", row.getBoolean("has_key")).put("base_url", row.getString("base_url"));
        }));
  }

  Future<Void> deleteCredential(String scope, UUID orgId, String provider) {
    return pool.preparedQuery("UPDATE tool_provider_configs SET api_key_sealed = NULL, key_prefix = NULL, "
            + "updated_at = now() WHERE scope = $1 AND scope_key = $2 AND provider_name = $3")
        .execute(Tuple.of(scope, scopeKey(scope, orgId), provider))
        .mapEmpty();
  }

  private static Future<Void> ensureRow(SqlClient tx, String scope, UUID orgId, String group, String provider) {
    return tx.preparedQuery("INSERT INTO tool_provider_configs (id, scope, org_id, scope_key, group_name, provider_name) "
            + "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (scope, scope_key, group_name, provider_name) DO NOTHING")
        .execute(Tuple.of(Ids.newId(), scope, scope.equals("org") ? orgId : null, scopeKey(scope, orgId), group,
            provider))
        .mapEmpty();
  }
}
