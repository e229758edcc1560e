package dev.arkloop.api.identity;

import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * API keys, stored as SHA-256 hashes. A verticle remembers a key it found active for up to
 * {@link #CACHE_SECONDS}, but believes it only while the owner's generation counter in Redis still
 * holds the value it read before loading the key: every change that can make a lookup answer
 * differently (a key revoked, its owner suspended, deleted or stripped of keys) increments that
 * counter after it commits, so the change holds on every node at the next request, for the price
 * of one Redis {@code GET} instead of a PostgreSQL lookup. Only usable keys are remembered: a change
 * that makes a key usable needs no signal. {@code last_used_at} and the {@code api_key.used} audit
 * entry are written at most once a minute per key, gated by a Redis marker, which each verticle
 * remembers having set, so a busy key costs no Redis call for that either.
 */
public final class ApiKeyRepository {
  private static final Logger LOG = LoggerFactory.getLogger(ApiKeyRepository.class);
  static final int USE_RECORD_SECONDS = 60;
  private static final String COLUMNS =
      "id, org_id, user_id, name, key_prefix, scopes, revoked_at, last_used_at, created_at";

  /** An active key with what authentication needs of its owner. */
  public record ActiveKey(UUID id, UUID orgId, UUID userId, Set<String> scopes, String userStatus, String role,
      boolean platformAdmin) {}

  /** Past this many remembered keys, the expired ones are forgotten. */
  private static final int MAX_REMEMBERED_MARKS = 10_000;
  /** After finding another node's marker, whose remaining time is unknown, look again this soon. */
  private static final long FOREIGN_MARK_NANOS = TimeUnit.SECONDS.toNanos(5);

  private final Pool pool;
  private final Redis redis;
  private final RedisKeys keys;
  /** Keys whose use marker is known to be in Redis, until when ({@code nanoTime}): no SET per request. */
  private final Map<UUID, Long> markedUntil = new ConcurrentHashMap<>();
  /** Usable keys by hash, with the owner generation they were loaded under. */
  private final Map<String, Remembered> remembered = new ConcurrentHashMap<>();

  static final int CACHE_SECONDS = 60;
  /** The owner counters outlive every remembered key; an expired counter reads as a change. */
  private static final int GENERATION_TTL_SECONDS = 86_400;
  private static final int MAX_REMEMBERED_KEYS = 10_000;

  public ApiKeyRepository(Pool pool, Redis redis, RedisKeys keys) {
    this.pool = pool;
    this.redis = redis;
    this.keys = keys;
  }

  /**
   * Looks the key up (for one this verticle does not remember) and remembers it if usable; null if
   * it is not active. The owner is unknown until the first lookup, so the generation is read between
   * two lookups.
   */
  public Future<ActiveKey> findActive(String keyHash) {
    return load(keyHash).compose(first -> first == null ? Future.succeededFuture(null)
        : redis.send(generationRead(first.userId()))
            .compose(reply -> loadAndRemember(keyHash, generationOf(reply))));
  }

  /** A usable key this verticle remembers and may still believe, or null. */
  public Remembered remembered(String keyHash) {
    Remembered known = remembered.get(keyHash);
    return known == null || System.nanoTime() - known.loadedAtNanos() > TimeUnit.SECONDS.toNanos(CACHE_SECONDS)
        ? null : known;
  }

  /** The Redis read of a remembered key's owner generation; its reply goes to {@link #confirm}. */
  public Request check(Remembered known) {
    return generationRead(known.key().userId());
  }

  /** The remembered key while its owner's generation ({@link #check}'s reply) is unchanged, else looked up again. */
  public Future<ActiveKey> confirm(String keyHash, Remembered known, Response generationReply) {
    String generation = generationOf(generationReply);
    return Objects.equals(generation, known.generation()) ? Future.succeededFuture(known.key())
        : loadAndRemember(keyHash, generation);
  }

  /**
   * Makes every node look the user's keys up again: call after committing any change that makes one
   * of them unusable or changes what it may do.
   */
  public Future<Void> ownerChanged(UUID userId) {
    String key = generationKey(userId);
    return redis.batch(List.of(Request.cmd(Command.INCR).arg(key),
            Request.cmd(Command.EXPIRE).arg(key).arg(GENERATION_TTL_SECONDS)))
        .mapEmpty();
  }

  /** A key found usable, the owner generation it was loaded under, and when. */
  public record Remembered(ActiveKey key, String generation, long loadedAtNanos) {}

  private Request generationRead(UUID userId) {
    return Request.cmd(Command.GET).arg(generationKey(userId));
  }

  private static String generationOf(Response reply) {
    return reply == null ? null : reply.toString();
  }

  private String generationKey(UUID userId) {
    return keys.key("auth", "key_generation", userId.toString());
  }

  /** Loads the key, read after {@code generation} was, and remembers it under that generation if usable. */
  private Future<ActiveKey> loadAndRemember(String keyHash, String generation) {
    return load(keyHash).map(key -> {
      if (key == null || !"active".equals(key.userStatus()) || key.role() == null) {
        remembered.remove(keyHash);
        return key;
      }
      if (remembered.size() >= MAX_REMEMBERED_KEYS) {
        remembered.clear();
      }
      remembered.put(keyHash, new Remembered(key, generation, System.nanoTime()));
      return key;
    });
  }

  private Future<ActiveKey> load(String keyHash) {
    return pool.preparedQuery("""
            SELECT k.id, k.org_id, k.user_id, k.scopes, u.status, u.is_platform_admin, m.role
            FROM api_keys k
            JOIN users u ON u.id = k.user_id AND u.deleted_at IS NULL
            LEFT JOIN memberships m ON m.org_id = k.org_id AND m.user_id = k.user_id
            WHERE k.key_hash = $1 AND k.revoked_at IS NULL""")
        .execute(Tuple.of(keyHash))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new ActiveKey(row.getUUID("id"), row.getUUID("org_id"), row.getUUID("user_id"),
              Set.of(row.getArrayOfStrings("scopes")), row.getString("status"), row.getString("role"),
              row.getBoolean("is_platform_admin"));
        });
  }

  /** Fire and forget: the first use in each minute updates {@code last_used_at} and audits it. */
  public void recordUse(UUID keyId, UUID orgId, UUID userId) {
    long now = System.nanoTime();
    Long until = markedUntil.get(keyId);
    if (until != null && now - until < 0) {
      return;
    }
    if (markedUntil.size() > MAX_REMEMBERED_MARKS) {
      markedUntil.values().removeIf(time -> now - time >= 0);
    }
    markedUntil.put(keyId, now + TimeUnit.SECONDS.toNanos(USE_RECORD_SECONDS));
    redis.send(Request.cmd(Command.SET).arg(keys.key("auth", "key_used", keyId.toString())).arg("1")
            .arg("NX").arg("EX").arg(USE_RECORD_SECONDS))
        .onComplete(set -> {
          if (set.failed() || set.result() == null) {
            markedUntil.put(keyId, now + FOREIGN_MARK_NANOS); // not ours: its minute may end any moment
          }
        })
        .compose(reply -> reply == null ? Future.succeededFuture() : pool.preparedQuery("""
                WITH touched AS (UPDATE api_keys SET last_used_at = now() WHERE id = $1)
                INSERT INTO audit_logs (id, org_id, actor_user_id, action, target_type, target_id, trace_id)
                VALUES ($2, $3, $4, 'api_key.used', 'api_key', $1::text, $5)""")
            .execute(Tuple.of(keyId, dev.arkloop.common.ids.Ids.newId(), orgId, userId,
                dev.arkloop.common.ids.Ids.newTraceId())))
        .onFailure(e -> LOG.warn("API key use not recorded [key: {}]: {}", keyId, e.toString()));
  }

  public Future<JsonObject> create(UUID id, UUID orgId, UUID userId, String name, String prefix, String hash,
      List<String> scopes) {
    return pool.preparedQuery("INSERT INTO api_keys (id, org_id, user_id, name, key_prefix, key_hash, scopes) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + COLUMNS)
        .execute(Tuple.of(id, orgId, userId, name, prefix, hash, scopes.toArray(String[]::new)))
        .map(RowJson::first);
  }

  /** The account's keys; only the caller's own unless {@code allOfAccount}. */
  public Future<JsonArray> list(UUID orgId, UUID userId, boolean allOfAccount) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM api_keys WHERE org_id = $1 AND ($3 OR user_id = $2) "
            + "ORDER BY created_at DESC")
        .execute(Tuple.of(orgId, userId, allOfAccount))
        .map(RowJson::toArray);
  }

  /** Revokes a key of the account (the caller's own unless {@code anyOfAccount}); false if none matched. */
  public Future<Boolean> revoke(UUID id, UUID orgId, UUID userId, boolean anyOfAccount) {
    return pool.preparedQuery("UPDATE api_keys SET revoked_at = now() WHERE id = $1 AND org_id = $2 "
            + "AND ($4 OR user_id = $3) AND revoked_at IS NULL RETURNING user_id")
        .execute(Tuple.of(id, orgId, userId, anyOfAccount))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(false)
            : ownerChanged(rows.iterator().next().getUUID("user_id")).map(true));
  }
}
