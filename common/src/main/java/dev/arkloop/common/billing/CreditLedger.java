package dev.arkloop.common.billing;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * The credits ledger. Every change is ONE statement that appends the transaction and moves the
 * balance by the same amount, so both commit together and the balance always equals the sum of the
 * account's transactions. Unique indexes, not checks before inserting, make a run's debit, a
 * referral's rewards and a month's grant happen at most once.
 */
public final class CreditLedger {
  /** Adds a transaction's amount to the balance (creating the balance row on first use). */
  static final String APPLY = """
      INSERT INTO credit_balances (org_id, balance) SELECT org_id, sum(amount) FROM t GROUP BY org_id
      ON CONFLICT (org_id) DO UPDATE SET balance = credit_balances.balance + EXCLUDED.balance, updated_at = now()
      RETURNING balance""";

  private static final String RECORD = """
      WITH t AS (
        INSERT INTO credit_transactions (id, org_id, amount, type, reference_type, reference_id, note, actor_user_id)
        VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7)
        ON CONFLICT DO NOTHING RETURNING org_id, amount)
      """ + APPLY;

  /**
   * The run's cost in credits, on the run and as one {@code consumption} transaction. The unique index
   * on the run reference makes a second debit of the same run (another worker ending it) a no-op.
   */
  private static final String DEBIT_RUN = """
      WITH r AS (
        UPDATE runs SET credits_used = ceil(coalesce(total_cost_usd, 0) * $2)::bigint WHERE id = $1
        RETURNING id, org_id, thread_id, credits_used),
      t AS (
        INSERT INTO credit_transactions (id, org_id, amount, type, reference_type, reference_id, thread_id)
        SELECT gen_random_uuid(), org_id, -credits_used, 'consumption', 'run', id::text, thread_id FROM r
        WHERE credits_used > 0
        ON CONFLICT DO NOTHING RETURNING org_id, amount)
      """ + APPLY;

  private CreditLedger() {}

  /**
   * Records one change; returns the new balance, or null when a unique key says it was already
   * recorded (a reward or grant given before).
   */
  public static Future<Long> record(SqlClient client, UUID orgId, long amount, String type, String referenceType,
      String referenceId, String note, UUID actorUserId) {
    return client.preparedQuery(RECORD)
        .execute(Tuple.of(orgId, amount, type, referenceType, referenceId, note, actorUserId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getLong("balance"));
  }

  /** Debits a run that has just ended with its cost written (in the same transaction). */
  public static Future<Void> debitRun(SqlClient tx, UUID runId, long creditsPerUsd) {
    return tx.preparedQuery(DEBIT_RUN).execute(Tuple.of(runId, creditsPerUsd)).mapEmpty();
  }

  /** The account's balance (0 before its first transaction). */
  public static Future<Long> balance(SqlClient client, UUID orgId) {
    return client.preparedQuery("SELECT balance FROM credit_balances WHERE org_id = $1")
        .execute(Tuple.of(orgId))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("balance"));
  }
}
