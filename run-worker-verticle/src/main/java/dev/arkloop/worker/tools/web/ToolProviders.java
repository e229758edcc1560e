package dev.arkloop.worker.tools.web;

import dev.arkloop.common.crypto.SecretBox;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The active backend of a tool group for an account: its own active provider, else the platform's.
 * Answers are cached for {@code ARKLOOP_TOOL_PROVIDER_CACHE_TTL_SECONDS}. The API key is opened
 * only here, in memory, for the call that needs it.
 */
public final class ToolProviders {
  /** An active provider; {@code platform} says whether an operator (not a tenant) configured it. */
  public record Active(String provider, boolean platform, String apiKey, String baseUrl) {}

  private record Cached(long expiresAtNanos, Active active) {}

  private final Pool pool;
  private final SecretBox secrets;
  private final long ttlNanos;
  private final Map<String, Cached> cache = new ConcurrentHashMap<>();

  public ToolProviders(Pool pool, SecretBox secrets, int ttlSeconds) {
    this.pool = pool;
    this.secrets = secrets;
    this.ttlNanos = ttlSeconds * 1_000_000_000L;
  }

  /** The active provider of the group, or null when neither the account nor the platform has one. */
  public Future<Active> active(UUID orgId, String group) {
    String key = orgId + "|" + group;
    Cached cached = cache.get(key);
    if (cached != null && cached.expiresAtNanos() - System.nanoTime() > 0) {
      return Future.succeededFuture(cached.active());
    }
    return pool.preparedQuery("SELECT scope, provider_name, api_key_sealed, base_url FROM tool_provider_configs "
            + "WHERE group_name = $1 AND is_active AND (scope = 'platform' OR org_id = $2) "
            + "ORDER BY (scope = 'org') DESC LIMIT 1")
        .execute(Tuple.of(group, orgId))
        .map(rows -> {
          Active active = rows.size() == 0 ? null : toActive(rows.iterator().next());
          if (ttlNanos > 0) {
            cache.put(key, new Cached(System.nanoTime() + ttlNanos, active));
          }
          return active;
        });
  }

  private Active toActive(Row row) {
    String sealed = row.getString("api_key_sealed");
    String apiKey = null;
    if (sealed != null && secrets != null) {
      try {
        apiKey = secrets.open(sealed);
      } catch (IllegalArgumentException e) {
        apiKey = null; // sealed under another key: treated as not configured
      }
    }
    return new Active(row.getString("provider_name"), row.getString("scope").equals("platform"), apiKey,
        row.getString("base_url"));
  }
}
