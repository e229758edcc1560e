package dev.arkloop.api.runs;

import dev.arkloop.api.http.Principal;
import dev.arkloop.common.bus.Addresses;
import dev.arkloop.common.runs.RunStatus;
import dev.arkloop.common.runs.RunStreams;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the API does to runs: each change commits in the repository's one transaction, then {@link
 * #afterCommit} tells the rest of the cluster (events to Redis for live readers, a wake-up for a
 * worker, a cancel signal for the worker holding the run). Those messages only speed things up:
 * readers fall back to PostgreSQL and workers poll, so a lost one delays but loses nothing.
 */
public final class RunService {
  private static final Logger LOG = LoggerFactory.getLogger(RunService.class);
  private final Vertx vertx;
  private final RunRepository runs;
  private final RunStreams streams;

  RunService(Vertx vertx, RunRepository runs, RunStreams streams) {
    this.vertx = vertx;
    this.runs = runs;
    this.streams = streams;
  }

  /** Creates a run (or replays the one an Idempotency-Key already created). */
  Future<RunRepository.Created> create(Principal principal, UUID threadId, JsonObject options, String idempotencyKey,
      String requestHash, String traceId, boolean retry) {
    return runs.create(principal, threadId, options, idempotencyKey, requestHash, traceId, retry)
        .onSuccess(created -> {
          if (created.afterCommit() != null) {
            afterCommit(created.afterCommit());
          }
        });
  }

  /** Asks a run the caller can see to stop. */
  Future<Void> cancel(Principal principal, UUID runId, String traceId) {
    return runs.cancel(principal, runId, traceId).map(this::afterCommit);
  }

  /** Asks any run to stop, for the platform (a suspended user's runs). */
  Future<Void> cancelAny(UUID runId, UUID requestedBy, String traceId) {
    return runs.cancelAny(runId, requestedBy, traceId).map(this::afterCommit);
  }

  /** Answers a run waiting for input. */
  Future<Void> provideInput(Principal principal, UUID runId, String content, String requestId, String traceId) {
    return runs.provideInput(principal, runId, content, requestId, traceId).map(this::afterCommit);
  }

  Future<RunStatus> status(Principal principal, UUID runId) {
    return runs.status(principal, runId);
  }

  private Void afterCommit(RunRepository.AfterCommit change) {
    if (!change.publish().isEmpty()) {
      streams.publish(change.publish()).onFailure(e -> LOG.debug(
          "run events not published to Redis, readers fall back to PostgreSQL [run: {}]: {}", change.runId(),
          e.toString()));
    }
    if (change.wakeJob() != null) {
      vertx.eventBus().send(Addresses.jobWake(Addresses.RUN_EXECUTE),
          new JsonObject().put("job_id", change.wakeJob().toString()));
    }
    if (change.cancelSignal() != null) {
      vertx.eventBus().send(Addresses.runSignals(change.runId()), change.cancelSignal().copy().put("type", "cancel"));
    }
    return null;
  }
}
