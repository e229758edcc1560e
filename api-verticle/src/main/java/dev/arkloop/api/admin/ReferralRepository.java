package dev.arkloop.api.admin;

import dev.arkloop.common.db.RowJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Invite codes and the referrals they made, as platform admins list and change them. */
final class ReferralRepository {
  static final int MAX_TREE_DEPTH = 20;
  private static final String CODE_COLUMNS = """
      c.id, c.user_id, c.code, c.max_uses, c.use_count, c.is_active, c.created_at,
      u.login AS user_login, u.email AS user_email, c.created_at AS sort_at""";
  private static final String CODES = "SELECT " + CODE_COLUMNS + " FROM invite_codes c JOIN users u ON u.id = c.user_id "
      + "WHERE ($1::text IS NULL OR c.code = $1 OR lower(u.login) = lower($1) OR lower(u.email) = lower($1)) "
      + "AND ($2::timestamptz IS NULL OR (c.created_at, c.id) < ($2, $3)) "
      + "ORDER BY c.created_at DESC, c.id DESC LIMIT $4";
  private static final String CODE = "SELECT " + CODE_COLUMNS
      + " FROM invite_codes c JOIN users u ON u.id = c.user_id WHERE c.id = $1";
  private static final String REFERRALS = """
      SELECT r.id, r.inviter_user_id, r.invitee_user_id, r.invite_code_id, r.credited, r.created_at,
             inviter.login AS inviter_login, invitee.login AS invitee_login, r.created_at AS sort_at
      FROM referrals r
      JOIN users inviter ON inviter.id = r.inviter_user_id
      JOIN users invitee ON invitee.id = r.invitee_user_id
      WHERE ($1::uuid IS NULL OR r.inviter_user_id = $1)
        AND ($2::timestamptz IS NULL OR (r.created_at, r.id) < ($2, $3))
      ORDER BY r.created_at DESC, r.id DESC LIMIT $4""";
  /**
   * The user and everyone they brought in, directly or down the chain, in one recursive query.
   * The depth limit also ends a cycle, should the data ever hold one.
   */
  private static final String TREE = """
      WITH RECURSIVE tree (user_id, inviter_id, depth, created_at) AS (
        SELECT u.id, NULL::uuid, 0, u.created_at FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL
        UNION ALL
        SELECT r.invitee_user_id, r.inviter_user_id, tree.depth + 1, r.created_at
        FROM tree JOIN referrals r ON r.inviter_user_id = tree.user_id
        WHERE tree.depth < $2)
      SELECT tree.user_id, u.login, tree.inviter_id, tree.depth, tree.created_at
      FROM tree JOIN users u ON u.id = tree.user_id
      ORDER BY tree.depth, tree.created_at, tree.user_id""";

  private final Pool pool;

  ReferralRepository(Pool pool) {
    this.pool = pool;
  }

  Future<JsonArray> inviteCodes(String q, OffsetDateTime beforeTime, UUID beforeId, int limit) {
    return pool.preparedQuery(CODES).execute(Tuple.of(q, beforeTime, beforeId, limit)).map(ReferralRepository::page);
  }

  Future<JsonObject> inviteCode(UUID id) {
    return pool.preparedQuery(CODE).execute(Tuple.of(id)).map(rows -> withoutSortKey(RowJson.first(rows)));
  }

  /** Changes a code; null when there is none. */
  Future<JsonObject> updateInviteCode(UUID id, Integer maxUses, Boolean active) {
    return pool.preparedQuery("UPDATE invite_codes SET max_uses = COALESCE($2, max_uses), "
            + "is_active = COALESCE($3, is_active) WHERE id = $1")
        .execute(Tuple.of(id, maxUses, active))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(null) : inviteCode(id));
  }

  Future<JsonArray> referrals(UUID inviter, OffsetDateTime beforeTime, UUID beforeId, int limit) {
    return pool.preparedQuery(REFERRALS).execute(Tuple.of(inviter, beforeTime, beforeId, limit))
        .map(ReferralRepository::page);
  }

  Future<JsonArray> tree(UUID userId) {
    return pool.preparedQuery(TREE).execute(Tuple.of(userId, MAX_TREE_DEPTH)).map(RowJson::toArray);
  }

  private static JsonArray page(io.vertx.sqlclient.RowSet<Row> rows) {
    JsonArray page = new JsonArray();
    for (Row row : rows) {
      JsonObject item = withoutSortKey(RowJson.toJson(row));
      item.put("next_cursor", Cursors.of(row.getOffsetDateTime("sort_at"), row.getUUID("id")));
      page.add(item);
    }
    return page;
  }

  private static JsonObject withoutSortKey(JsonObject item) {
    if (item != null) {
      item.remove("sort_at");
    }
    return item;
  }
}
