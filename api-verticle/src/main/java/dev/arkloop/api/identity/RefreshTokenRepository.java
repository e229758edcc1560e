package dev.arkloop.api.identity;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

/** Rotating refresh tokens, stored hashed, grouped in families (one per sign-in). */
public final class RefreshTokenRepository {
  /** What consuming a presented token found. */
  public record Consumed(UUID userId, UUID familyId) {}

  private final Pool pool;

  public RefreshTokenRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> insert(UUID userId, UUID familyId, String tokenHash, int ttlSeconds) {
    return pool.preparedQuery("INSERT INTO refresh_tokens (id, user_id, family_id, token_hash, expires_at) "
            + "VALUES ($1, $2, $3, $4, $5)")
        .execute(Tuple.of(dev.arkloop.common.ids.Ids.newId(), userId, familyId, tokenHash,
            OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(ttlSeconds)))
        .mapEmpty();
  }

  /** Marks a live token consumed (single use); null when it is unknown, used, revoked or expired. */
  public Future<Consumed> consume(String tokenHash) {
    return pool.preparedQuery("""
            UPDATE refresh_tokens SET consumed_at = now()
            WHERE token_hash = $1 AND consumed_at IS NULL AND revoked_at IS NULL AND expires_at > now()
            RETURNING user_id, family_id""")
        .execute(Tuple.of(tokenHash))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new Consumed(row.getUUID("user_id"), row.getUUID("family_id"));
        });
  }

  /** If the token was already consumed, it is being replayed: revoke its whole family. True when so. */
  public Future<Consumed> revokeFamilyIfReused(String tokenHash) {
    return pool.preparedQuery("""
            WITH reused AS (
              SELECT family_id, user_id FROM refresh_tokens WHERE token_hash = $1 AND consumed_at IS NOT NULL)
            UPDATE refresh_tokens t SET revoked_at = now()
            FROM reused WHERE t.family_id = reused.family_id AND t.revoked_at IS NULL
            RETURNING reused.user_id, reused.family_id""")
        .execute(Tuple.of(tokenHash))
        .compose(rows -> {
          if (rows.size() > 0) {
            Row row = rows.iterator().next();
            return Future.succeededFuture(new Consumed(row.getUUID("user_id"), row.getUUID("family_id")));
          }
          return pool.preparedQuery("SELECT user_id, family_id FROM refresh_tokens WHERE token_hash = $1 "
                  + "AND consumed_at IS NOT NULL")
              .execute(Tuple.of(tokenHash))
              .map(again -> again.size() == 0 ? null : new Consumed(again.iterator().next().getUUID("user_id"),
                  again.iterator().next().getUUID("family_id")));
        });
  }

  public Future<Void> revokeAllOf(UUID userId) {
    return pool.preparedQuery("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(userId)).mapEmpty();
  }
}
