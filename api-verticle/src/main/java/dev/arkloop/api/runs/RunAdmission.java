package dev.arkloop.api.runs;

import dev.arkloop.common.runs.RunLifecycle;
import io.vertx.core.Future;
import java.util.UUID;

/**
 * What an account's new run must pass (credits, concurrency and monthly quotas): the account's limits
 * are resolved before the creating transaction holds a pooled connection, and checked by {@link
 * RunLifecycle#create} in the statement that creates the run, under the account's lock. A check that
 * needed a second connection while holding the first (and the account's lock) could wait on a pool
 * its own waiters have exhausted.
 */
public interface RunAdmission {
  Future<RunLifecycle.Admission> prepare(UUID orgId);
}
