package dev.arkloop.common.billing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.common.db.Pools;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The one-off measurement behind the README's metering figure: what the run debit adds to a run's
 * terminal transaction. Terminal transactions of one account's runs (the run's totals written,
 * then, in the metered rounds, {@link CreditLedger#debitRun}) run 8 at a time, so the debits contend
 * for the account's one balance row as a burst of runs does; metered and unmetered rounds
 * alternate so the shared machine's load falls on both. Not part of {@code verify}; run it with
 * {@code -Darkloop.measure=true -Dtest=CreditDebitMeasurement}.
 */
@EnabledIfSystemProperty(named = "arkloop.measure", matches = "true")
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class CreditDebitMeasurement {
  private static final int ROUNDS = 5;
  private static final int RUNS_PER_ROUND = 400;
  private static final int CONCURRENCY = 8;
  private static final CreditLedger.Metering METERED = new CreditLedger.Metering(true, 1000, 0, null);

  @Test
  void theDebitsShareOfATerminalTransaction() throws Exception {
    Vertx vertx = Vertx.vertx();
    var database = TestInfra.get().newDatabase();
    Pool pool = Pools.create(vertx, database, CONCURRENCY);
    try {
      UUID org = UUID.randomUUID();
      TestInfra.execute(database, "INSERT INTO orgs (id, slug, name, type) VALUES ('" + org + "', 'm', 'm', 'personal')");
      CreditLedger.record(pool, org, 1_000_000_000L, "adjustment", "admin_adjust", null, null, null)
          .await(30, TimeUnit.SECONDS);
      long[] plain = new long[ROUNDS];
      long[] metered = new long[ROUNDS];
      for (int round = 0; round < ROUNDS; round++) {
        plain[round] = round(pool, org, false);
        metered[round] = round(pool, org, true);
        System.out.printf("round %d: %d µs/run unmetered, %d µs/run metered%n", round + 1,
            plain[round] / RUNS_PER_ROUND, metered[round] / RUNS_PER_ROUND);
      }
      assertEquals(String.valueOf(ROUNDS * RUNS_PER_ROUND), TestInfra.queryValue(database,
          "SELECT count(*) FROM credit_transactions WHERE type = 'consumption'"));
      long plainBest = java.util.Arrays.stream(plain).min().orElseThrow() / RUNS_PER_ROUND;
      long meteredBest = java.util.Arrays.stream(metered).min().orElseThrow() / RUNS_PER_ROUND;
      System.out.printf("best round: %d µs/run unmetered, %d µs/run metered (+%d µs); load %s%n", plainBest,
          meteredBest, meteredBest - plainBest, java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
              .trim());
    } finally {
      pool.close().await(30, TimeUnit.SECONDS);
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /** Wall time in µs of {@link #RUNS_PER_ROUND} terminal transactions, {@link #CONCURRENCY} at a time. */
  private static long round(Pool pool, UUID org, boolean metering) throws Exception {
    List<UUID> runs = new ArrayList<>();
    for (int i = 0; i < RUNS_PER_ROUND; i++) {
      runs.add(UUID.randomUUID());
    }
    pool.preparedQuery("WITH t AS (INSERT INTO threads (id, org_id, title) SELECT r, $1, 'm' FROM unnest($2::uuid[]) r "
            + "RETURNING id) INSERT INTO runs (id, org_id, thread_id, job_id, status, trace_id) "
            + "SELECT id, $1, id, gen_random_uuid(), 'running', md5(id::text) FROM t")
        .execute(Tuple.of(org, (Object) runs.toArray(UUID[]::new))).await(60, TimeUnit.SECONDS);
    long started = System.nanoTime();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < CONCURRENCY; lane++) {
      Future<Void> chain = Future.succeededFuture();
      for (int i = lane; i < runs.size(); i += CONCURRENCY) {
        UUID run = runs.get(i);
        chain = chain.compose(v -> pool.withTransaction(tx -> end(tx, run)
            .compose(ended -> metering ? CreditLedger.debitRun(tx, run, METERED) : Future.succeededFuture())));
      }
      lanes.add(chain);
    }
    Future.all(lanes).await(300, TimeUnit.SECONDS);
    return (System.nanoTime() - started) / 1_000;
  }

  /** What the worker's terminal transaction writes besides the debit: the run's totals and status. */
  private static Future<Void> end(SqlConnection tx, UUID run) {
    return tx.preparedQuery("""
            UPDATE runs SET status = 'completed', model = 'stub', total_input_tokens = 20, total_output_tokens = 7,
              total_cost_usd = 0.0123, duration_ms = 5, completed_at = now(), updated_at = now() WHERE id = $1""")
        .execute(Tuple.of(run)).mapEmpty();
  }
}
