package dev.arkloop.api.admin;

import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Users as platform admins see and change them, across every account. */
final class AdminUserRepository {
  private static final String COLUMNS = """
      u.id, u.login, u.username, u.email, u.email_verified, u.status, NULL::text AS avatar_url, u.locale,
      u.timezone, u.is_platform_admin, u.last_login_at, u.created_at""";
  private static final String PAGE = " AND ($2::text IS NULL OR u.status = $2)"
      + " AND ($3::timestamptz IS NULL OR (u.created_at, u.id) < ($3, $4))"
      + " ORDER BY u.created_at DESC, u.id DESC LIMIT $5";
  /** Without a search term: the created_at index alone. */
  private static final String LIST = "SELECT " + COLUMNS + ", u.created_at AS sort_at FROM users u "
      + "WHERE u.deleted_at IS NULL AND $1::text IS NULL" + PAGE;
  /** With one: the trigram indexes on lower(login), lower(username) and lower(email). */
  private static final String SEARCH = "SELECT " + COLUMNS + ", u.created_at AS sort_at FROM users u "
      + "WHERE u.deleted_at IS NULL AND (lower(u.login) LIKE $1 OR lower(u.username) LIKE $1 "
      + "OR lower(u.email) LIKE $1)" + PAGE;
  /** Serialises changes that could leave the platform without an active admin. */
  private static final String ADMIN_LOCK = "SELECT pg_advisory_xact_lock(hashtext('arkloop.platform_admins'))";

  /** What a change did, for what must follow the commit. */
  record Changed(JsonObject before, JsonObject after) {}

  private final Pool pool;

  AdminUserRepository(Pool pool) {
    this.pool = pool;
  }

  Future<JsonArray> list(String q, String status, OffsetDateTime beforeTime, UUID beforeId, int limit) {
    String pattern = q == null ? null : "%" + likeEscaped(q.toLowerCase(java.util.Locale.ROOT)) + "%";
    return pool.preparedQuery(q == null ? LIST : SEARCH)
        .execute(Tuple.of(pattern, status, beforeTime, beforeId, limit))
        .map(rows -> {
          JsonArray page = new JsonArray();
          for (Row row : rows) {
            JsonObject user = RowJson.toJson(row);
            user.remove("sort_at");
            user.put("next_cursor", Cursors.of(row.getOffsetDateTime("sort_at"), row.getUUID("id")));
            page.add(user);
          }
          return page;
        });
  }

  /** The user with the accounts they belong to; null when there is none. */
  Future<JsonObject> get(UUID id) {
    return get(pool, id);
  }

  private static Future<JsonObject> get(io.vertx.sqlclient.SqlClient client, UUID id) {
    return client.preparedQuery("SELECT " + COLUMNS + " FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL")
        .execute(Tuple.of(id))
        .compose(rows -> {
          JsonObject user = RowJson.first(rows);
          if (user == null) {
            return Future.succeededFuture(null);
          }
          return client.preparedQuery("SELECT org_id, role FROM memberships WHERE user_id = $1 ORDER BY created_at")
              .execute(Tuple.of(id))
              .map(orgs -> user.put("orgs", RowJson.toArray(orgs)));
        });
  }

  /**
   * Applies a change; suspending also ends the user's refresh tokens and API keys, in the same
   * transaction, so they fail on every node from the commit on. The platform's last active admin
   * cannot be suspended.
   */
  Future<Changed> update(UUID id, UserPatch patch) {
    return pool.withTransaction(tx -> tx.query(ADMIN_LOCK).execute()
        .compose(v -> get(tx, id))
        .compose(before -> {
          if (before == null) {
            return Future.failedFuture(DomainException.notFound("users"));
          }
          boolean suspending = "suspended".equals(patch.status()) && "active".equals(before.getString("status"));
          Future<Void> allowed = suspending && before.getBoolean("is_platform_admin")
              ? requireAnotherAdmin(tx, id) : Future.succeededFuture();
          return allowed
              .compose(v -> tx.preparedQuery("""
                      UPDATE users SET status = COALESCE($2, status), username = COALESCE($3, username),
                        email = CASE WHEN $4 THEN $5 ELSE email END,
                        email_verified = COALESCE($6, CASE WHEN $4 AND lower($5) IS DISTINCT FROM lower(email)
                          THEN false ELSE email_verified END),
                        locale = CASE WHEN $7 THEN $8 ELSE locale END,
                        timezone = CASE WHEN $9 THEN $10 ELSE timezone END,
                        tokens_invalid_before = CASE WHEN $11 THEN now() ELSE tokens_invalid_before END,
                        updated_at = now()
                      WHERE id = $1""")
                  .execute(Tuple.tuple().addValue(id).addValue(patch.status()).addValue(patch.username())
                      .addValue(patch.emailSet()).addValue(patch.email()).addValue(patch.emailVerified())
                      .addValue(patch.localeSet()).addValue(patch.locale())
                      .addValue(patch.timezoneSet()).addValue(patch.timezone()).addValue(suspending)))
              .compose(v -> suspending ? endCredentials(tx, id) : Future.succeededFuture())
              .compose(v -> get(tx, id))
              .map(after -> new Changed(before, after));
        }))
        .recover(PgErrors.onUnique(() -> DomainException.conflict("conflict", "another user has this email address"),
            "users_email_key"));
  }

  private static Future<Void> endCredentials(SqlConnection tx, UUID id) {
    return tx.preparedQuery("UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(id))
        .compose(v -> tx.preparedQuery("UPDATE api_keys SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL")
            .execute(Tuple.of(id)))
        .mapEmpty();
  }

  private static Future<Void> requireAnotherAdmin(SqlConnection tx, UUID id) {
    return tx.preparedQuery("SELECT count(*) AS n FROM users WHERE is_platform_admin AND deleted_at IS NULL "
            + "AND status = 'active' AND id <> $1")
        .execute(Tuple.of(id))
        .compose(rows -> rows.iterator().next().getLong("n") > 0 ? Future.succeededFuture()
            : Future.failedFuture(new DomainException(DomainException.Kind.CONFLICT, "conflict", "the platform's last admin cannot be removed",
                new JsonObject().put("reason", "last_platform_admin"))));
  }

  /**
   * Deletes a user: their personal account and everything in it, their private threads and private
   * projects elsewhere, memberships, keys and tokens. The row stays, stripped of personal data, so
   * what they wrote in shared accounts keeps an author shown as a deleted user.
   */
  Future<JsonObject> delete(UUID id) {
    return pool.withTransaction(tx -> tx.query(ADMIN_LOCK).execute()
        .compose(v -> get(tx, id))
        .compose(before -> {
          if (before == null) {
            return Future.failedFuture(DomainException.notFound("users"));
          }
          return tx.preparedQuery("SELECT is_system_agent FROM users WHERE id = $1").execute(Tuple.of(id))
              .compose(rows -> rows.iterator().next().getBoolean("is_system_agent")
                  ? Future.failedFuture(new DomainException(DomainException.Kind.CONFLICT, "conflict", "a system agent cannot be deleted",
                      new JsonObject().put("reason", "system_agent")))
                  : Future.succeededFuture())
              .compose(v -> before.getBoolean("is_platform_admin") ? requireAnotherAdmin(tx, id)
                  : Future.<Void>succeededFuture())
              .compose(v -> erase(tx, id))
              .map(before);
        }));
  }

  private static Future<Void> erase(SqlConnection tx, UUID id) {
    Tuple user = Tuple.of(id);
    return run(tx, """
        UPDATE users SET default_org_id = NULL, deleted_at = now(), status = 'suspended',
          login = 'deleted-' || id::text, username = 'Deleted user', email = NULL, email_verified = false,
          password_hash = NULL, locale = NULL, timezone = NULL, is_platform_admin = false,
          tokens_invalid_before = now(), updated_at = now()
        WHERE id = $1""", user)
        .compose(v -> run(tx, "DELETE FROM orgs WHERE type = 'personal' AND owner_user_id = $1", user))
        .compose(v -> run(tx, "UPDATE orgs SET owner_user_id = NULL WHERE owner_user_id = $1", user))
        .compose(v -> run(tx, "DELETE FROM threads WHERE created_by_user_id = $1 AND is_private", user))
        .compose(v -> run(tx, "DELETE FROM projects WHERE owner_user_id = $1 AND visibility = 'private'", user))
        .compose(v -> run(tx, "DELETE FROM memberships WHERE user_id = $1", user))
        .compose(v -> run(tx, "DELETE FROM team_members WHERE user_id = $1", user))
        .compose(v -> run(tx, "DELETE FROM api_keys WHERE user_id = $1", user))
        .compose(v -> run(tx, "DELETE FROM refresh_tokens WHERE user_id = $1", user))
        .compose(v -> run(tx, "UPDATE invite_codes SET is_active = false WHERE user_id = $1", user));
  }

  private static Future<Void> run(SqlConnection tx, String sql, Tuple args) {
    return tx.preparedQuery(sql).execute(args).mapEmpty();
  }

  private static String likeEscaped(String value) {
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }
}
