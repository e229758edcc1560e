package dev.arkloop.api.runs;

import dev.arkloop.common.bus.Addresses;
import dev.arkloop.common.runs.RunStreams;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
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
  private final Vertx vertx;
  private final RunRepository runs;
  private final RunStreams streams;

  RunCanceller(Vertx vertx, RunRepository runs, RunStreams streams) {
    this.vertx = vertx;
    this.runs = runs;
    this.streams = streams;
  }

  /** Cancels every run of the user that has not ended; the number asked to stop. */
  public Future<Integer> cancelAllOf(UUID userId, UUID requestedBy, String traceId) {
    return runs.activeRunsOf(userId).compose(ids -> {
      List<Future<Void>> cancels = ids.stream().map(id -> cancel(id, requestedBy, traceId)).toList();
      return Future.join(cancels).map(ids.size());
    });
  }

  private Future<Void> cancel(UUID runId, UUID requestedBy, String traceId) {
    return runs.cancelAny(runId, requestedBy, traceId).map(result -> {
      if (result == null) {
        return null;
      }
      if (!result.written().isEmpty()) {
        streams.publish(result.written()).onFailure(e -> LOG.debug("cancel events not published: {}", e.toString()));
      }
      if (result.signalWorker()) {
        vertx.eventBus().send(Addresses.runSignals(runId), new JsonObject().put("type", "cancel")
            .put("trace_id", traceId).put("requested_by_user_id", requestedBy.toString()));
      }
      LOG.info("run cancelled by the platform [run: {}, requested_by: {}]", runId, requestedBy);
      return null;
    });
  }
}
