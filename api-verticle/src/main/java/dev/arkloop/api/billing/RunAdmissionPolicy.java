package dev.arkloop.api.billing;

import dev.arkloop.api.runs.RunAdmission;
import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.runs.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * A run starts only while the account has credits (402 {@code credits.exhausted}), is under its
 * {@code limit.concurrent_runs} and under its monthly run and token quotas (429 {@code rate_limit}).
 * An advisory lock per account serialises concurrent creations, so the count cannot be raced past.
 */
final class RunAdmissionPolicy implements RunAdmission {
  private static final String THIS_MONTH = """
      SELECT count(*) AS runs, coalesce(sum(coalesce(total_input_tokens, 0) + coalesce(total_output_tokens, 0)), 0)::bigint AS tokens
      FROM runs WHERE org_id = $1 AND created_at >= date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'""";

  private final Entitlements entitlements;

  RunAdmissionPolicy(Entitlements entitlements) {
    this.entitlements = entitlements;
  }

  @Override
  public Future<Check> prepare(UUID orgId) {
    return Future.all(entitlements.integer(orgId, Entitlements.CONCURRENT_RUNS),
            entitlements.integer(orgId, Entitlements.RUNS_PER_MONTH),
            entitlements.integer(orgId, Entitlements.TOKENS_PER_MONTH))
        .map(limits -> tx -> admit(tx, orgId, limits.resultAt(0), limits.resultAt(1), limits.resultAt(2)));
  }

  private static Future<Void> admit(SqlConnection tx, UUID orgId, long concurrentRuns, long runsPerMonth,
      long tokensPerMonth) {
    return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 7))").execute(Tuple.of(orgId.toString()))
        .compose(v -> CreditLedger.balance(tx, orgId))
        .compose(balance -> balance > 0 ? Future.succeededFuture()
            : Future.failedFuture(new ApiException(402, "credits.exhausted", "the account has no credits left",
                new JsonObject().put("reason", "credits.exhausted").put("balance", balance))))
        .compose(v -> concurrentRuns <= 0 ? Future.succeededFuture() : tx.preparedQuery(
                "SELECT count(*) AS active FROM runs WHERE org_id = $1 AND status IN " + RunStatus.ACTIVE_SQL)
            .execute(Tuple.of(orgId))
            .compose(rows -> rows.iterator().next().getLong("active") >= concurrentRuns
                ? Future.failedFuture(new ApiException(429, "rate_limit", "too many active runs in this account",
                    new JsonObject().put("reason", "runs.concurrency").put("limit", concurrentRuns)
                        .put("retry_after_seconds", 5)))
                : Future.succeededFuture()))
        .compose(v -> runsPerMonth <= 0 && tokensPerMonth <= 0 ? Future.succeededFuture()
            : tx.preparedQuery(THIS_MONTH).execute(Tuple.of(orgId)).compose(rows -> {
              var used = rows.iterator().next();
              if (runsPerMonth > 0 && used.getLong("runs") >= runsPerMonth) {
                return Future.failedFuture(quota(Entitlements.RUNS_PER_MONTH, runsPerMonth));
              }
              if (tokensPerMonth > 0 && used.getLong("tokens") >= tokensPerMonth) {
                return Future.failedFuture(quota(Entitlements.TOKENS_PER_MONTH, tokensPerMonth));
              }
              return Future.succeededFuture();
            }));
  }

  private static ApiException quota(String key, long limit) {
    return new ApiException(429, "rate_limit", "the account has used its " + key + " for this month",
        new JsonObject().put("reason", key).put("limit", limit).put("retry_after_seconds", 3600));
  }
}
