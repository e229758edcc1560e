package dev.arkloop.worker.jobs;

import dev.arkloop.common.bus.Addresses;
import dev.arkloop.common.jobs.Job;
import dev.arkloop.common.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claims and runs jobs with a fixed number of slots: it never leases more than it has free slots
 * for. Jobs are claimed two ways: by polling PostgreSQL, and at once when an event-bus wake-up names
 * a job. Each running job's lease is renewed by a heartbeat; a job whose handler fails is retried
 * with exponential backoff until its attempts are used up.
 */
public final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);
  private static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /** Tuning: slots, poll interval, lease length and heartbeat interval. */
  public record Settings(int slots, Duration pollInterval, Duration lease, Duration heartbeat, String owner) {}

  private final Vertx vertx;
  private final JobQueue queue;
  private final Map<String, JobHandler> handlers;
  private final Settings settings;
  private final List<String> types;
  private int running;
  private boolean polling;
  private boolean stopped;
  private long pollTimer = -1;
  private final List<MessageConsumer<JsonObject>> wakeups = new ArrayList<>();

  public JobRunner(Vertx vertx, JobQueue queue, List<JobHandler> handlers, Settings settings) {
    this.vertx = vertx;
    this.queue = queue;
    this.handlers = handlers.stream().collect(Collectors.toMap(JobHandler::type, Function.identity()));
    this.settings = settings;
    this.types = new ArrayList<>(this.handlers.keySet());
  }

  /** Starts polling, and listening for wake-ups of each handled type. Call on the owning verticle's context. */
  public Future<Void> start() {
    for (String type : types) {
      wakeups.add(vertx.eventBus().<JsonObject>consumer(Addresses.jobWake(type), message -> {
        String id = message.body() == null ? null : message.body().getString("job_id");
        UUID jobId = id == null ? null : dev.arkloop.common.ids.Ids.parseUuid(id);
        if (jobId != null) {
          wake(jobId);
        }
      }));
    }
    pollTimer = vertx.setPeriodic(0, settings.pollInterval().toMillis(), t -> poll());
    return Future.all(wakeups.stream().map(MessageConsumer::completion).toList()).mapEmpty();
  }

  public Future<Void> stop() {
    stopped = true;
    vertx.cancelTimer(pollTimer);
    return Future.all(wakeups.stream().map(MessageConsumer::unregister).toList()).mapEmpty();
  }

  public int running() {
    return running;
  }

  private void wake(UUID jobId) {
    if (stopped || running >= settings.slots()) {
      return; // polling (by us or another worker) picks it up
    }
    running++;
    queue.leaseById(jobId, settings.owner(), settings.lease())
        .onComplete(result -> {
          running--;
          if (result.succeeded() && result.result() != null) {
            run(result.result());
          }
        });
  }

  private void poll() {
    int free = settings.slots() - running;
    if (stopped || polling || free <= 0 || types.isEmpty()) {
      return;
    }
    polling = true;
    queue.lease(types, free, settings.owner(), settings.lease())
        .onComplete(result -> {
          polling = false;
          if (result.failed()) {
            LOG.warn("job poll failed: {}", result.cause().toString());
            return;
          }
          result.result().forEach(this::run);
          if (result.result().size() == free) {
            vertx.runOnContext(v -> poll()); // a full batch: there may be more waiting
          }
        });
  }

  private void run(Job job) {
    JobHandler handler = handlers.get(job.type());
    running++;
    HeldLease lease = new HeldLease(settings.lease());
    long heartbeat = vertx.setPeriodic(settings.heartbeat().toMillis(), t -> queue.heartbeat(job, settings.lease())
        .onSuccess(held -> {
          if (!held) {
            LOG.warn("job lease lost [job: {}, type: {}]", job.id(), job.type());
            lease.markLost();
          }
        }));
    Future<Void> outcome;
    try {
      outcome = handler.handle(job, lease);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    outcome.onComplete(result -> {
      vertx.cancelTimer(heartbeat);
      running--;
      if (result.failed() && !lease.isLost()) {
        Duration backoff = backoff(job.attempts());
        String error = String.valueOf(result.cause().getMessage());
        if (job.attempts() >= job.maxAttempts()) {
          LOG.error("job failed for the last time [job: {}, type: {}, attempts: {}]: {}", job.id(), job.type(),
              job.attempts(), result.cause().toString());
          handler.exhausted(job, result.cause())
              .eventually(() -> queue.retryLater(job, error, backoff))
              .onComplete(done -> poll());
          return;
        }
        LOG.warn("job failed, retrying [job: {}, type: {}, attempt: {}, in: {}s]: {}", job.id(), job.type(),
            job.attempts(), backoff.toSeconds(), result.cause().toString());
        queue.retryLater(job, error, backoff);
      }
      poll();
    });
  }

  static Duration backoff(int attempts) {
    long seconds = 1L << Math.min(Math.max(attempts - 1, 0), 16);
    return seconds > MAX_BACKOFF.toSeconds() ? MAX_BACKOFF : Duration.ofSeconds(seconds);
  }

  private static final class HeldLease implements JobLease {
    private final Promise<Void> lost = Promise.promise();
    private final Duration length;

    HeldLease(Duration length) {
      this.length = length;
    }

    @Override
    public Duration length() {
      return length;
    }

    void markLost() {
      lost.tryComplete();
    }

    @Override
    public Future<Void> lost() {
      return lost.future();
    }

    @Override
    public boolean isLost() {
      return lost.future().isComplete();
    }
  }
}
