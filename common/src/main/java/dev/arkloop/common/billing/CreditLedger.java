package dev.arkloop.common.billing;

import dev.arkloop.common.notifications.Notifications;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
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
  static final String APPLY = apply("t");

  /**
   * What a debit made of {@link #debitItems}: {@code debit_org}, {@code debit_balance} (after) and
   * {@code debit_balance_before}, all null when nothing was debited. Read by {@link #afterDebit}.
   */
  public static final String DEBITED = "(SELECT org_id FROM debit_b) AS debit_org, "
      + "(SELECT balance FROM debit_b) AS debit_balance, "
      + "((SELECT balance FROM debit_b) - (SELECT sum(amount) FROM debit_t))::bigint AS debit_balance_before";

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
  private static final String DEBIT_RUN = "WITH r AS (UPDATE runs SET credits_used = " + runCredits("total_cost_usd", "$2")
      + " WHERE id = $1 RETURNING id, org_id, thread_id, credits_used), " + debitItems("r") + " SELECT " + DEBITED;

  /** Who hears that an account's credits run low: its active admins (the owner of a personal account). */
  private static final String ADMINS = """
      SELECT m.user_id, o.name FROM memberships m JOIN orgs o ON o.id = m.org_id JOIN users u ON u.id = m.user_id
      WHERE m.org_id = $1 AND m.role = 'account_admin' AND u.status = 'active' AND u.deleted_at IS NULL""";

  /** The type of the notification a debit sends when it takes the balance below the low threshold. */
  public static final String LOW_CREDITS = "credits.low";

  /**
   * How runs are debited: credits per USD of cost, and the balance below which a debit notifies the
   * account's admins (0 = never). {@code enabled} false skips the debit (only to measure its cost).
   */
  public record Metering(boolean enabled, long creditsPerUsd, long lowThreshold, Notifications notifications) {}

  private CreditLedger() {}

  /** Adds the amounts of the {@code WITH} item {@code from} (org_id, amount) to the balances. */
  private static String apply(String from) {
    return "INSERT INTO credit_balances (org_id, balance) SELECT org_id, sum(amount) FROM " + from + " GROUP BY org_id "
        + "ON CONFLICT (org_id) DO UPDATE SET balance = credit_balances.balance + EXCLUDED.balance, updated_at = now() "
        + "RETURNING org_id, balance";
  }

  /** A run's {@code credits_used} for its cost in USD at {@code creditsPerUsd} (both SQL expressions). */
  public static String runCredits(String costUsd, String creditsPerUsd) {
    return "ceil(coalesce(" + costUsd + ", 0) * " + creditsPerUsd + ")::bigint";
  }

  /**
   * {@code WITH} items that debit a run, for a statement that has just written its {@code
   * credits_used}: {@code run} names an earlier item returning the run's id, org_id, thread_id and
   * credits_used. Adds {@code debit_t} (the consumption transaction, at most one per run) and {@code
   * debit_b} (the new balance); select {@link #DEBITED} and pass the row to {@link #afterDebit}.
   */
  public static String debitItems(String run) {
    return "debit_t AS (INSERT INTO credit_transactions (id, org_id, amount, type, reference_type, reference_id, "
        + "thread_id) SELECT gen_random_uuid(), org_id, -credits_used, 'consumption', 'run', id::text, thread_id FROM "
        + run + " WHERE credits_used > 0 ON CONFLICT DO NOTHING RETURNING org_id, amount), "
        + "debit_b AS (" + apply("debit_t") + ")";
  }

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

  /**
   * Debits a run that has just ended with its cost written (in the same transaction). The debit that
   * takes the balance from at least the low threshold to below it, and only that one, notifies the
   * account's admins in this transaction: runs that go on below the threshold do not repeat it.
   */
  public static Future<Void> debitRun(SqlConnection tx, UUID runId, Metering metering) {
    if (!metering.enabled()) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery(DEBIT_RUN).execute(Tuple.of(runId, metering.creditsPerUsd()))
        .compose(rows -> afterDebit(tx, runId, rows.iterator().next(), metering));
  }

  /**
   * After a debit ({@link #DEBITED} in {@code debited}): the debit that took the balance from at least
   * the low threshold to below it, and only that one, notifies the account's admins in this transaction.
   */
  public static Future<Void> afterDebit(SqlConnection tx, UUID runId, Row debited, Metering metering) {
    Long balance = debited.getLong("debit_balance");
    long threshold = metering.lowThreshold();
    if (balance == null || threshold <= 0 || balance >= threshold
        || debited.getLong("debit_balance_before") < threshold) {
      return Future.succeededFuture();
    }
    return notifyLow(tx, debited.getUUID("debit_org"), balance, threshold, runId, metering.notifications());
  }

  private static Future<Void> notifyLow(SqlConnection tx, UUID orgId, long balance, long threshold, UUID runId,
      Notifications notifications) {
    return tx.preparedQuery(ADMINS).execute(Tuple.of(orgId)).compose(admins -> {
      JsonObject payload = new JsonObject().put("account_id", orgId.toString()).put("balance", balance)
          .put("threshold", threshold).put("run_id", runId.toString());
      Future<?> sent = Future.succeededFuture();
      for (Row admin : admins) {
        sent = sent.compose(v -> notifications.send(tx, admin.getUUID("user_id"), orgId, LOW_CREDITS,
            "Credits running low", "The account " + admin.getString("name") + " has " + balance
                + " credits left, below " + threshold + ". Runs stop when none are left.", payload));
      }
      return sent.mapEmpty();
    });
  }

  /** The account's balance (0 before its first transaction). */
  public static Future<Long> balance(SqlClient client, UUID orgId) {
    return client.preparedQuery("SELECT balance FROM credit_balances WHERE org_id = $1")
        .execute(Tuple.of(orgId))
        .map(rows -> rows.size() == 0 ? 0L : rows.iterator().next().getLong("balance"));
  }
}
