package dev.arkloop.api.billing;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives every account its {@code credits.monthly_grant} once per calendar month (UTC). One set-based
 * statement resolves each account's effective value (override, plan, default) and writes the grants;
 * the unique key on (account, 'monthly_grant', 'YYYY-MM') makes a grant happen at most once however
 * many nodes run the statement at the same time, and a node that was down catches up when it runs.
 */
final class MonthlyGrant {
  private static final Logger LOG = LoggerFactory.getLogger(MonthlyGrant.class);
  private static final String GRANT = """
      WITH due AS (
        SELECT o.id AS org_id, coalesce(
          (SELECT e.value FROM entitlement_overrides e WHERE e.org_id = o.id AND e.key = 'credits.monthly_grant'
             AND (e.expires_at IS NULL OR e.expires_at > now()) ORDER BY e.created_at DESC LIMIT 1),
          (SELECT pe.value FROM subscriptions s JOIN plan_entitlements pe ON pe.plan_id = s.plan_id
             AND pe.key = 'credits.monthly_grant' WHERE s.org_id = o.id AND s.status = 'active'),
          $1)::bigint AS amount
        FROM orgs o),
      t AS (
        INSERT INTO credit_transactions (id, org_id, amount, type, reference_type, reference_id)
        SELECT gen_random_uuid(), org_id, amount, 'monthly_grant', 'monthly_grant',
               to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM') FROM due WHERE amount > 0
        ON CONFLICT DO NOTHING RETURNING org_id, amount),
      b AS (
        INSERT INTO credit_balances (org_id, balance) SELECT org_id, amount FROM t
        ON CONFLICT (org_id) DO UPDATE SET balance = credit_balances.balance + EXCLUDED.balance, updated_at = now()
        RETURNING 1)
      SELECT count(*) AS granted FROM b""";

  private final Vertx vertx;
  private final Pool pool;
  private final String defaultGrant;
  private final long periodMillis;

  MonthlyGrant(Vertx vertx, Pool pool, String defaultGrant, long periodMillis) {
    this.vertx = vertx;
    this.pool = pool;
    this.defaultGrant = defaultGrant;
    this.periodMillis = periodMillis;
  }

  void start() {
    // the timer belongs to the verticle and ends with it
    vertx.setPeriodic(Math.min(5_000, periodMillis), periodMillis, id -> grantDue());
  }

  Future<Long> grantDue() {
    return pool.preparedQuery(GRANT).execute(Tuple.of(defaultGrant))
        .map(rows -> rows.iterator().next().getLong("granted"))
        .onSuccess(granted -> {
          if (granted > 0) {
            LOG.info("monthly credits granted [accounts: {}]", granted);
          }
        })
        .onFailure(e -> LOG.warn("monthly credit grant failed, next check retries: {}", e.toString()));
  }
}
