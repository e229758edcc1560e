package dev.arkloop.worker.runs;

import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.bus.Addresses;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.notifications.Notifications;
import dev.arkloop.common.jobs.Job;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.runs.EventPayloads;
import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.common.runs.RunLifecycle;
import dev.arkloop.common.runs.RunStatus;
import dev.arkloop.common.runs.RunStreams;
import dev.arkloop.worker.jobs.JobHandler;
import dev.arkloop.worker.jobs.JobLease;
import dev.arkloop.worker.llm.ModelCaller;
import dev.arkloop.worker.llm.ModelRoute;
import dev.arkloop.worker.llm.ModelRouter;
import dev.arkloop.worker.llm.ResilientModelCaller;
import dev.arkloop.worker.tools.ToolContext;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Executes {@code run.execute} jobs: the worker holding the job lease is the run's only writer. It
 * listens for the run's signals (cancel, input), enforces the run timeout, drives the agent loop,
 * and ends the run in one transaction with exactly one terminal event (or parks it for input).
 */
public final class RunExecuteHandler implements JobHandler {
  private static final Logger LOG = LoggerFactory.getLogger(RunExecuteHandler.class);
  public static final int PAYLOAD_VERSION = RunLifecycle.JOB_PAYLOAD_VERSION;

  private final Vertx vertx;
  private final Pool pool;
  private final RunStore store;
  private final RunStreams streams;
  private final ModelRouter router;
  private final RunPolicies policies;
  private final ArkloopConfig.Runs settings;
  private final ResilientModelCaller.Policy retry;
  private final RunNotices notices;
  private final CreditLedger.Metering metering;

  public RunExecuteHandler(Vertx vertx, Pool pool, RunStreams streams, ModelRouter router, RunPolicies policies,
      ArkloopConfig.Runs settings, ResilientModelCaller.Policy retry, Notifications notifications,
      CreditLedger.Metering metering) {
    this.notices = new RunNotices(notifications);
    this.metering = metering;
    this.vertx = vertx;
    this.pool = pool;
    this.store = new RunStore(pool);
    this.streams = streams;
    this.router = router;
    this.policies = policies;
    this.settings = settings;
    this.retry = retry;
  }

  @Override
  public String type() {
    return Addresses.RUN_EXECUTE;
  }

  @Override
  public Future<Void> handle(Job job, JobLease lease) {
    if (job.payloadVersion() != PAYLOAD_VERSION) {
      return new JobQueue(pool).fail(job, "unsupported payload version " + job.payloadVersion()).mapEmpty();
    }
    UUID runId = UUID.fromString(job.payload().getString("run_id"));
    if (job.exhausted()) {
      return store.takeUp(runId, false).compose(taken -> {
        if (taken == null || taken.run().terminal()) {
          return JobQueue.complete(pool, job).mapEmpty();
        }
        LOG.warn("run lost its worker too often [run: {}, attempts: {}]", runId, job.attempts());
        RunEventWriter writer = new RunEventWriter(vertx, pool, streams, runId, job, lease, taken.lastSeq());
        return end(writer, taken.run(), null, new Outcome.Failed(LoopState.fresh(new JsonArray()),
            "internal.worker_lost", "the run lost its worker " + (job.attempts() - 1) + " times"));
      });
    }
    return new Execution(runId, job, lease).start();
  }

  /** The last attempt failed unexpectedly: end the run as failed rather than leave it running forever. */
  @Override
  public Future<Void> exhausted(Job job, Throwable cause) {
    UUID runId = UUID.fromString(job.payload().getString("run_id"));
    return store.takeUp(runId, false).compose(taken -> taken == null || taken.run().terminal()
        ? Future.succeededFuture()
        : failRun(new RunEventWriter(vertx, pool, streams, runId, job, null, taken.lastSeq()), taken.run(),
            "internal.error", "the run could not be executed").mapEmpty());
  }

  /** One attempt at a run, on this worker. */
  private final class Execution {
    private final UUID runId;
    private final Job job;
    private final JobLease lease;
    private final Promise<String> abort = Promise.promise();
    private RunStore.RunRow run;
    private RunEventWriter writer;
    /** A cancel that arrived before the run was read: applied once the writer exists. */
    private JsonObject earlyCancel;
    private boolean cancelRequested;
    private MessageConsumer<JsonObject> signals;
    private long timeoutTimer = -1;
    private ModelRoute modelUsed;

    Execution(UUID runId, Job job, JobLease lease) {
      this.runId = runId;
      this.job = job;
      this.lease = lease;
    }

    /**
     * Listens for the run's signals first, and only then reads the run with its stored signals (and
     * marks it started): a cancel is either stored before that read or arrives on the event bus.
     */
    Future<Void> start() {
      signals = vertx.eventBus().consumer(Addresses.runSignals(runId), message -> {
        if ("cancel".equals(message.body().getString("type"))) {
          requestCancel(message.body());
        }
      });
      return signals.completion()
          .compose(v -> store.takeUp(runId, true))
          .compose(taken -> taken == null || taken.run().terminal() ? JobQueue.complete(pool, job).<Void>mapEmpty()
              : run(taken))
          .eventually(() -> {
            vertx.cancelTimer(timeoutTimer);
            return signals.unregister();
          });
    }

    private Future<Void> run(RunStore.TakenUp taken) {
      run = taken.run();
      writer = new RunEventWriter(vertx, pool, streams, runId, job, lease, taken.lastSeq());
      lease.lost().onComplete(v -> abort.tryComplete("lease"));
      long remaining = Duration.between(OffsetDateTime.now(), run.createdAt()).toMillis() + settings.timeoutMillis();
      timeoutTimer = vertx.setTimer(Math.max(1, remaining), t -> abort.tryComplete("timeout"));
      if (earlyCancel != null) {
        requestCancel(earlyCancel);
      }
      // a cancel stored while no worker held the run applies at once
      List<RunStore.Signal> pending = taken.signals();
      pending.stream().filter(signal -> signal.type().equals("cancel")).forEach(signal -> requestCancel(signal.payload()));
      Future<Outcome> outcome = taken.balance() <= 0
          ? Future.succeededFuture(new Outcome.Failed(LoopState.fresh(new JsonArray()),
              AgentLoop.CREDITS_EXHAUSTED, "the account has no credits left"))
          : policies.personas().resolve(run.orgId(), personaId()).compose(persona -> {
            Outcome refused = RunPolicies.refusal(persona, personaId());
            if (refused != null) {
              return Future.succeededFuture(refused);
            }
            return router.routes(run.orgId(), run.options(), persona.model()).compose(routes -> {
              if (routes.isEmpty()) {
                return Future.succeededFuture(new Outcome.Failed(LoopState.fresh(new JsonArray()),
                    "policy.route_not_found", "no model route is configured for this run"));
              }
              ModelCaller model = new ResilientModelCaller(vertx, routes, retry, routeEvents(writer));
              ToolContext context = new ToolContext(run.id(), run.orgId(), run.threadId(), run.projectId(),
                  run.createdBy());
              return policies.tools().available(context).compose(available -> prepare(routes.get(0)).compose(state -> {
                AgentLoop loop = policies.loop(model, persona, available, writer, context, abort.future(),
                    () -> CreditLedger.balance(pool, run.orgId()).map(left -> left > 0));
                return (state.awaitingCallId != null ? loop.resume(state, RunPolicies.input(pending)) : loop.run(state))
                    .recover(e -> Future.succeededFuture(e instanceof LeaseLostException
                        ? new Outcome.Aborted(state, "lease")
                        : new Outcome.Failed(state, "internal.error", "the agent loop failed")))
                    .map(ended -> {
                      modelUsed = model.current();
                      return ended;
                    });
              }));
            });
          });
      return outcome.compose(ended -> end(writer, run, modelUsed, abort.future().isComplete()
          && ended instanceof Outcome.Parked parked ? new Outcome.Aborted(parked.state(), abort.future().result())
          : ended));
    }

    /** Fresh state, or the state the run was parked with. */
    private Future<LoopState> prepare(ModelRoute route) {
      if (run.loopState() != null) {
        return Future.succeededFuture(LoopState.fromJson(run.loopState()));
      }
      return store.conversation(run).compose(conversation -> writer.emit(EventTypes.ROUTE_SELECTED,
              EventPayloads.routeSelected(route.routeId(), route.providerName(), route.model()))
          .map(LoopState.fresh(conversation)));
    }

    private String personaId() {
      String named = run.options() == null ? null : run.options().getString("persona_id");
      return named == null || named.isBlank() ? policies.defaultPersona() : named;
    }

    private void requestCancel(JsonObject signal) {
      if (writer == null) {
        earlyCancel = earlyCancel == null ? signal : earlyCancel;
        return;
      }
      if (cancelRequested) {
        return;
      }
      cancelRequested = true;
      writer.emit(EventTypes.CANCEL_REQUESTED, EventPayloads.cancelRequested(signal));
      abort.tryComplete("cancel");
    }
  }

  /** Retries and fallbacks as run events; the writer fences them like every other event. */
  private static ModelCaller.RouteEvents routeEvents(RunEventWriter writer) {
    return new ModelCaller.RouteEvents() {
      @Override
      public void retry(int attempt, long delayMs, String errorClass) {
        writer.emit(EventTypes.LLM_RETRY, EventPayloads.llmRetry(attempt, delayMs, errorClass));
      }

      @Override
      public void fallback(ModelRoute from, ModelRoute to, String reason) {
        writer.emit(EventTypes.PROVIDER_FALLBACK, EventPayloads.providerFallback(
            from.providerName() + "^" + from.model(), to.providerName() + "^" + to.model(), from.routeId(),
            to.routeId(), reason));
      }
    };
  }

  private static Future<Boolean> failRun(RunEventWriter writer, RunStore.RunRow run, String errorClass,
      String message) {
    return writer.finish(List.of(EventTypes.FAILED), List.of(EventPayloads.failed(errorClass, message)), false,
        tx -> RunLifecycle.fail(tx, run.id(), run.threadId(), errorClass, message));
  }

  private static JsonObject inputRequested(Outcome.Parked parked) {
    Object schema = parked.details().getValue("requestedSchema");
    return EventPayloads.inputRequested(parked.callId(), parked.prompt(),
        schema instanceof JsonObject json ? json : null);
  }

  /** The newest stored cancel request's payload, or null. */
  private static JsonObject cancelSignal(List<RunStore.Signal> signals) {
    return signals.stream().filter(s -> s.type().equals("cancel")).reduce((a, b) -> b).map(RunStore.Signal::payload)
        .orElse(null);
  }

  /** Writes the run's end for an outcome. Returns once it is committed (or the lease was found lost). */
  private Future<Void> end(RunEventWriter writer, RunStore.RunRow run, ModelRoute route, Outcome outcome) {
    Future<Boolean> written;
    if (outcome instanceof Outcome.Completed done) {
      written = writer.finish(List.of(EventTypes.COMPLETED), List.of(EventPayloads.completed(done.state().usage.toJson())),
          false,
          tx -> RunStore.complete(tx, run, done.state(), route, metering)
              .compose(v -> notices.ended(tx, run, done.state(), RunStatus.COMPLETED)));
    } else if (outcome instanceof Outcome.Failed failed) {
      written = writer.finish(List.of(EventTypes.FAILED),
          List.of(EventPayloads.failed(failed.errorClass(), failed.message())), false,
          tx -> RunLifecycle.fail(tx, run.id(), run.threadId(), failed.errorClass(), failed.message())
              .compose(v -> notices.ended(tx, run, failed.state(), RunStatus.FAILED)));
    } else if (outcome instanceof Outcome.Parked parked) {
      // the event becomes visible with the waiting status, so an answer can never arrive too early
      written = writer.finishParked(List.of(EventTypes.INPUT_REQUESTED, EventTypes.WAITING_FOR_INPUT),
              List.of(inputRequested(parked),
                  EventPayloads.waitingForInput(parked.prompt(), parked.callId(), parked.details())),
              parked.deadlineSeconds(), tx -> RunLifecycle.park(tx, run.id(), parked.state().toJson()))
          // parking fails when a cancel got in first: the run ends cancelled instead, as its stored request says
          .recover(e -> store.pendingSignals(run.id()).compose(signals -> writer.finish(
              List.of(EventTypes.CANCEL_REQUESTED, EventTypes.CANCELLED),
              List.of(EventPayloads.cancelRequested(cancelSignal(signals)), EventPayloads.cancelled()), false,
              tx -> RunLifecycle.cancel(tx, run.id(), run.threadId()))));
    } else {
      String reason = ((Outcome.Aborted) outcome).reason();
      if (reason.equals("cancel")) {
        written = writer.finish(List.of(EventTypes.CANCELLED), List.of(EventPayloads.cancelled()), false,
            tx -> RunLifecycle.cancel(tx, run.id(), run.threadId()));
      } else if (reason.equals("timeout")) {
        written = failRun(writer, run, "timeout", "the run exceeded its time limit of " + settings.timeoutMillis() / 1000 + " s");
      } else {
        written = Future.succeededFuture(false); // the lease is gone: the new holder ends the run
      }
    }
    return written.map(ended -> {
      LOG.info("run ended [run: {}, outcome: {}, written: {}]", run.id(), outcome.getClass().getSimpleName(), ended);
      return null;
    });
  }
}
