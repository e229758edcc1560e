package dev.arkloop.api.runs;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;

/**
 * Whether an account may start another run, decided inside the transaction that would create it
 * (credits, concurrency and monthly quotas). Fails with the {@code ApiException} to answer.
 */
public interface RunAdmission {
  Future<Void> admit(SqlConnection tx, UUID orgId);
}
