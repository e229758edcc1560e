package dev.arkloop.api.identity;

import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Each user's referral invite code: created on first request, replaced on reset. */
public final class InviteCodeRepository {
  private static final String COLUMNS = "id, user_id, code, max_uses, use_count, is_active, created_at";
  private final Pool pool;
  private final int defaultMaxUses;

  public InviteCodeRepository(Pool pool, int defaultMaxUses) {
    this.pool = pool;
    this.defaultMaxUses = defaultMaxUses;
  }

  public Future<JsonObject> current(UUID userId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM invite_codes WHERE user_id = $1 AND is_active "
            + "ORDER BY created_at DESC LIMIT 1")
        .execute(Tuple.of(userId))
        .compose(rows -> rows.size() > 0 ? Future.succeededFuture(RowJson.first(rows)) : create(userId));
  }

  public Future<JsonObject> reset(UUID userId) {
    return pool.preparedQuery("UPDATE invite_codes SET is_active = false WHERE user_id = $1 AND is_active")
        .execute(Tuple.of(userId))
        .compose(v -> create(userId));
  }

  private Future<JsonObject> create(UUID userId) {
    return pool.preparedQuery("INSERT INTO invite_codes (id, user_id, code, max_uses) VALUES ($1, $2, $3, $4) "
            + "RETURNING " + COLUMNS)
        .execute(Tuple.of(Ids.newId(), userId, Tokens.code(10), defaultMaxUses))
        .map(RowJson::first);
  }
}
