package dev.arkloop.api.runs;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;

/**
 * Whether an account may start another run (credits, concurrency and monthly quotas), in two steps:
 * the account's limits are resolved first, before the creating transaction holds a pooled
 * connection, and the returned check then runs inside that transaction on its connection alone.
 * A check that needed a second connection while holding the first (and the account's lock) could
 * wait on a pool its own waiters have exhausted.
 */
public interface RunAdmission {
  Future<Check> prepare(UUID orgId);

  /** The decision inside the creating transaction; fails with the refusal to answer. */
  interface Check {
    Future<Void> admit(SqlConnection tx);
  }
}
