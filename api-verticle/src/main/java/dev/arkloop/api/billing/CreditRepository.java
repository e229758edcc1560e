package dev.arkloop.api.billing;

import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Balances and ledger rows as the API reads them, and the admin changes. Each admin change is one
 * set-based statement, whatever the number of accounts, writing one ledger row per account it moves.
 */
final class CreditRepository {
  private static final String TRANSACTIONS = """
      SELECT c.id, c.org_id, c.amount, c.type, c.reference_type, c.reference_id, c.note, t.title AS thread_title,
             c.created_at
      FROM credit_transactions c LEFT JOIN threads t ON t.id = c.thread_id
      WHERE c.org_id = $1 AND ($2::timestamptz IS NULL OR c.created_at >= $2)
        AND ($3::timestamptz IS NULL OR c.created_at < $3)
      ORDER BY c.created_at DESC, c.id DESC LIMIT $4 OFFSET $5""";
  private static final String BULK_ADJUST = """
      WITH t AS (
        INSERT INTO credit_transactions (id, org_id, amount, type, reference_type, note, actor_user_id)
        SELECT gen_random_uuid(), id, $1, 'adjustment', 'admin_adjust', $2, $3 FROM orgs
        RETURNING org_id, amount),
      b AS (
        INSERT INTO credit_balances (org_id, balance) SELECT org_id, amount FROM t
        ON CONFLICT (org_id) DO UPDATE SET balance = credit_balances.balance + EXCLUDED.balance, updated_at = now()
        RETURNING 1)
      SELECT count(*) AS affected FROM b""";
  // FOR UPDATE reads each balance as last committed and holds it, so the reset lands every account on 0
  private static final String RESET_ALL = """
      WITH cur AS (SELECT org_id, balance FROM credit_balances WHERE balance <> 0 FOR UPDATE),
      t AS (
        INSERT INTO credit_transactions (id, org_id, amount, type, reference_type, note, actor_user_id)
        SELECT gen_random_uuid(), org_id, -balance, 'reset', 'admin_adjust', $1, $2 FROM cur
        RETURNING org_id, amount),
      b AS (
        UPDATE credit_balances c SET balance = c.balance + t.amount, updated_at = now() FROM t
        WHERE c.org_id = t.org_id RETURNING 1)
      SELECT count(*) AS affected FROM b""";

  private final Pool pool;

  CreditRepository(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> statement(UUID orgId, OffsetDateTime from, OffsetDateTime to, int limit, int offset) {
    return CreditLedger.balance(pool, orgId).compose(balance -> pool.preparedQuery(TRANSACTIONS)
        .execute(Tuple.of(orgId, from, to, limit, offset))
        .map(rows -> new JsonObject().put("org_id", orgId.toString()).put("balance", balance)
            .put("transactions", RowJson.toArray(rows))));
  }

  Future<Boolean> accountExists(UUID orgId) {
    return pool.preparedQuery("SELECT 1 FROM orgs WHERE id = $1").execute(Tuple.of(orgId)).map(rows -> rows.size() > 0);
  }

  Future<JsonObject> adjust(UUID orgId, long amount, String note, UUID actor) {
    return CreditLedger.record(pool, orgId, amount, "adjustment", "admin_adjust", null, note, actor)
        .map(balance -> new JsonObject().put("org_id", orgId.toString()).put("balance", balance))
        .recover(e -> Future.failedFuture(PgErrors.foreignKeyViolation(e) ? DomainException.notFound("accounts")
            : Amounts.overflow(e)));
  }

  Future<JsonObject> bulkAdjust(long amount, String note, UUID actor) {
    return pool.preparedQuery(BULK_ADJUST).execute(Tuple.of(amount, note, actor)).map(CreditRepository::affected)
        .recover(e -> Future.failedFuture(Amounts.overflow(e)));
  }

  Future<JsonObject> resetAll(String note, UUID actor) {
    return pool.preparedQuery(RESET_ALL).execute(Tuple.of(note, actor)).map(CreditRepository::affected);
  }

  private static JsonObject affected(io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> rows) {
    return new JsonObject().put("affected", rows.iterator().next().getLong("affected"));
  }
}
