package dev.arkloop.api.billing;

import dev.arkloop.api.runs.RunAdmission;
import dev.arkloop.common.runs.RunLifecycle;
import io.vertx.core.Future;
import java.util.UUID;

/**
 * A run starts only while the account has credits (402 {@code credits.exhausted}), is under its
 * {@code limit.concurrent_runs} and under its monthly run and token quotas (429 {@code rate_limit}):
 * the limits from the account's entitlements, checked by {@link RunLifecycle#create} under the
 * account's lock, so the counts cannot be raced past.
 */
final class RunAdmissionPolicy implements RunAdmission {
  private final Entitlements entitlements;

  RunAdmissionPolicy(Entitlements entitlements) {
    this.entitlements = entitlements;
  }

  @Override
  public Future<RunLifecycle.Admission> prepare(UUID orgId) {
    return Future.all(entitlements.integer(orgId, Entitlements.CONCURRENT_RUNS),
            entitlements.integer(orgId, Entitlements.RUNS_PER_MONTH),
            entitlements.integer(orgId, Entitlements.TOKENS_PER_MONTH))
        .map(limits -> new RunLifecycle.Admission(true, limits.<Long>resultAt(0), limits.<Long>resultAt(1),
            limits.<Long>resultAt(2)));
  }
}
