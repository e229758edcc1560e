package dev.arkloop.api.runs;

import io.vertx.core.Future;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cancels runs on behalf of the platform rather than the run's viewer (a suspended user's runs):
 * the same single-writer rule as {@code :cancel}, without the visibility check.
 */
public final class RunCanceller {
  private static final Logger LOG = LoggerFactory.getLogger(RunCanceller.class);
  private final RunRepository runs;
  private final RunService service;

  RunCanceller(RunRepository runs, RunService service) {
    this.runs = runs;
    this.service = service;
  }

  /** Cancels every run of the user that has not ended; the number asked to stop. */
  public Future<Integer> cancelAllOf(UUID userId, UUID requestedBy, String traceId) {
    return runs.activeRunsOf(userId).compose(ids -> {
      List<Future<Void>> cancels = ids.stream().map(id -> service.cancelAny(id, requestedBy, traceId)
          .onSuccess(v -> LOG.info("run cancelled by the platform [run: {}, requested_by: {}]", id, requestedBy)))
          .toList();
      return Future.join(cancels).map(ids.size());
    });
  }
}
