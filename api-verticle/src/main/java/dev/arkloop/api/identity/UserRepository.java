package dev.arkloop.api.identity;

import dev.arkloop.common.db.RowJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Users: sign-in lookups and profile updates. */
public final class UserRepository {
  /** A user as sign-in needs it. */
  public record Credentials(UUID id, String passwordHash, String status, boolean platformAdmin, UUID defaultOrgId) {}

  private final Pool pool;

  public UserRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<Boolean> loginOrEmailExists(String loginOrEmail) {
    return pool.preparedQuery("""
            SELECT 1 FROM users WHERE deleted_at IS NULL AND (lower(login) = lower($1) OR lower(email) = lower($1))""")
        .execute(Tuple.of(loginOrEmail))
        .map(rows -> rows.size() > 0);
  }

  /** By login or email, case-insensitively. */
  public Future<Credentials> credentials(String loginOrEmail) {
    return pool.preparedQuery("""
            SELECT id, password_hash, status, is_platform_admin, default_org_id FROM users
            WHERE deleted_at IS NULL AND (lower(login) = lower($1) OR lower(email) = lower($1))
            ORDER BY (lower(login) = lower($1)) DESC LIMIT 1""")
        .execute(Tuple.of(loginOrEmail))
        .map(rows -> rows.size() == 0 ? null : credentials(rows.iterator().next()));
  }

  /** Who a sign-in identity (login or email) names, for the identity-first sign-in form. */
  public record Identity(UUID id, String email, String login) {}

  /** Same query shape as {@link #loginOrEmailExists}: known and unknown identities cost the same. */
  public Future<Identity> identity(String loginOrEmail) {
    return pool.preparedQuery("""
            SELECT id, email, login FROM users
            WHERE deleted_at IS NULL AND (lower(login) = lower($1) OR lower(email) = lower($1))
            ORDER BY (lower(login) = lower($1)) DESC LIMIT 1""")
        .execute(Tuple.of(loginOrEmail))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new Identity(row.getUUID("id"), row.getString("email"), row.getString("login"));
        });
  }

  /** By email only (sign-in codes go to an address, never to a login), case-insensitively. */
  public Future<Credentials> byEmail(String email) {
    return pool.preparedQuery("SELECT id, password_hash, status, is_platform_admin, default_org_id FROM users "
            + "WHERE deleted_at IS NULL AND lower(email) = lower($1)")
        .execute(Tuple.of(email))
        .map(rows -> rows.size() == 0 ? null : credentials(rows.iterator().next()));
  }

  /** Where mail for a user goes. */
  public record Contact(String email, boolean verified, UUID defaultOrgId) {}

  public Future<Contact> contact(UUID userId) {
    return pool.preparedQuery("SELECT email, email_verified, default_org_id FROM users "
            + "WHERE id = $1 AND deleted_at IS NULL")
        .execute(Tuple.of(userId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new Contact(row.getString("email"), row.getBoolean("email_verified"), row.getUUID("default_org_id"));
        });
  }

  /** Marks the address verified if it is still the user's; false when it changed meanwhile. */
  public static Future<Boolean> markEmailVerified(SqlClient client, UUID userId, String email) {
    return client.preparedQuery("UPDATE users SET email_verified = true, updated_at = now() "
            + "WHERE id = $1 AND lower(email) = lower($2) AND deleted_at IS NULL")
        .execute(Tuple.of(userId, email))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Credentials> credentials(UUID userId) {
    return pool.preparedQuery("""
            SELECT id, password_hash, status, is_platform_admin, default_org_id FROM users
            WHERE id = $1 AND deleted_at IS NULL""")
        .execute(Tuple.of(userId))
        .map(rows -> rows.size() == 0 ? null : credentials(rows.iterator().next()));
  }

  private static Credentials credentials(Row row) {
    return new Credentials(row.getUUID("id"), row.getString("password_hash"), row.getString("status"),
        row.getBoolean("is_platform_admin"), row.getUUID("default_org_id"));
  }

  public Future<Void> recordLogin(UUID userId) {
    return pool.preparedQuery("UPDATE users SET last_login_at = now() WHERE id = $1")
        .execute(Tuple.of(userId)).mapEmpty();
  }

  public Future<Void> invalidateTokens(UUID userId) {
    return pool.preparedQuery("UPDATE users SET tokens_invalid_before = now() WHERE id = $1")
        .execute(Tuple.of(userId)).mapEmpty();
  }

  /** The {@code /v1/me} view of a user acting in an account. */
  public Future<JsonObject> me(UUID userId, UUID orgId) {
    return pool.preparedQuery("""
            SELECT u.id, u.username, u.email, u.email_verified, u.created_at, u.timezone, u.locale,
                   o.id AS org_id, o.name AS org_name
            FROM users u JOIN orgs o ON o.id = $2
            WHERE u.id = $1 AND u.deleted_at IS NULL""")
        .execute(Tuple.of(userId, orgId))
        .map(RowJson::first);
  }

  public Future<JsonObject> update(UUID userId, String username, String timezone) {
    return pool.preparedQuery("""
            UPDATE users SET username = COALESCE($2, username), timezone = COALESCE($3, timezone), updated_at = now()
            WHERE id = $1 AND deleted_at IS NULL RETURNING username, timezone""")
        .execute(Tuple.of(userId, username, timezone))
        .map(RowJson::first);
  }

  /** Inserts a user inside the caller's transaction. */
  public static Future<Void> insert(SqlClient tx, UUID id, String login, String email, String passwordHash,
      String locale, boolean platformAdmin) {
    return tx.preparedQuery("""
            INSERT INTO users (id, login, username, email, password_hash, locale, is_platform_admin)
            VALUES ($1, $2, $2, $3, $4, $5, $6)""")
        .execute(Tuple.of(id, login, email, passwordHash, locale, platformAdmin))
        .mapEmpty();
  }
}
