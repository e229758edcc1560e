package dev.arkloop.api.email;

import dev.arkloop.api.identity.UserRepository;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.UUID;

/** One-time email tokens (verification links and sign-in codes), stored as hashes only. */
public final class EmailTokenRepository {
  static final String VERIFY = "verify";
  static final String OTP = "otp";

  /** The outcome of one sign-in code guess. */
  public enum OtpCheck { MATCHED, WRONG, LOCKED, NONE }

  private final Pool pool;

  public EmailTokenRepository(Pool pool) {
    this.pool = pool;
  }

  public Pool pool() {
    return pool;
  }

  /** Issues a token in the caller's transaction; the user's earlier unused tokens of that purpose die. */
  public static Future<Void> issue(SqlClient tx, UUID userId, String purpose, String email, String tokenHash,
      Duration ttl) {
    return tx.preparedQuery("UPDATE email_tokens SET consumed_at = now() "
            + "WHERE user_id = $1 AND purpose = $2 AND consumed_at IS NULL")
        .execute(Tuple.of(userId, purpose))
        .compose(v -> tx.preparedQuery("INSERT INTO email_tokens (id, user_id, purpose, email, token_hash, expires_at) "
                + "VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))")
            .execute(Tuple.of(Ids.newId(), userId, purpose, email, tokenHash, (double) ttl.toSeconds())))
        .mapEmpty();
  }

  /** Uses a verification token and marks its address verified; false when the token is not valid. */
  public Future<Boolean> confirmVerification(String tokenHash) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            UPDATE email_tokens SET consumed_at = now()
            WHERE purpose = 'verify' AND token_hash = $1 AND consumed_at IS NULL AND expires_at > now()
            RETURNING user_id, email""")
        .execute(Tuple.of(tokenHash))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(false);
          }
          Row row = rows.iterator().next();
          return UserRepository.markEmailVerified(tx, row.getUUID("user_id"), row.getString("email"));
        }));
  }

  /**
   * Checks a guess against the user's live code, counting it. A match uses the code up; after
   * {@code maxAttempts} wrong guesses the code is locked until a new one is requested.
   */
  public Future<OtpCheck> checkOtp(UUID userId, String guessHash, int maxAttempts) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            SELECT id, attempts, token_hash FROM email_tokens
            WHERE user_id = $1 AND purpose = 'otp' AND consumed_at IS NULL AND expires_at > now()
            ORDER BY created_at DESC LIMIT 1 FOR UPDATE""")
        .execute(Tuple.of(userId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.succeededFuture(OtpCheck.NONE);
          }
          Row row = rows.iterator().next();
          if (row.getInteger("attempts") >= maxAttempts) {
            return Future.succeededFuture(OtpCheck.LOCKED);
          }
          boolean matched = MessageDigest.isEqual(row.getString("token_hash").getBytes(StandardCharsets.US_ASCII),
              guessHash.getBytes(StandardCharsets.US_ASCII));
          return tx.preparedQuery("UPDATE email_tokens SET attempts = attempts + 1, "
                  + "consumed_at = CASE WHEN $2 THEN now() END WHERE id = $1")
              .execute(Tuple.of(row.getUUID("id"), matched))
              .map(v -> matched ? OtpCheck.MATCHED : OtpCheck.WRONG);
        }));
  }
}
