package dev.arkloop.worker.runs;

import dev.arkloop.common.db.DatabaseFailures;
import dev.arkloop.common.jobs.Job;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.metrics.Meters;
import dev.arkloop.common.runs.RunEvent;
import dev.arkloop.common.runs.RunEventLog;
import dev.arkloop.common.runs.RunStreams;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import dev.arkloop.worker.jobs.JobLease;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of one run's events. Seqs are assigned here, gapless. Appends are group-committed:
 * while one insert is in flight the next batch gathers, and goes as one statement when it returns.
 * Every insert is fenced by the job lease; after a refused insert the writer is dead and fails all
 * further appends with {@link LeaseLostException}. Committed batches are then published to Redis in
 * order (one publish at a time).
 *
 * <p>A database outage does not end the writer: while the lease can still be held, an insert that
 * failed because PostgreSQL was away is sent again with backoff, the same batch with the same seqs,
 * while later events wait in memory, in order, up to {@link #MAX_WAITING}. The run goes on as soon as
 * the database answers. Only a refused insert (the lease was taken over), an outage longer than the
 * lease, a full buffer, or an error that is not an outage stops it; the job's next attempt then
 * continues from what PostgreSQL holds.
 */
final class RunEventWriter {
  private static final Logger LOG = LoggerFactory.getLogger(RunEventWriter.class);
  // looked up per writer, not held statically: the registry belongs to the running Vert.x instance
  private final Timer appendTimer = Meters.latency("arkloop.run.events.append",
      "One group-committed, fenced insert of run events into PostgreSQL");
  private final Timer publishTimer = Meters.latency("arkloop.run.events.publish",
      "One XADD + PUBLISH pipeline of committed run events to Redis");

  private record Pending(RunEvent event, Promise<Void> persisted) {}

  /** Events held in memory while an insert is retried; past this the writer gives up. */
  static final int MAX_WAITING = 10_000;
  private static final long FIRST_RETRY_MS = 100;
  private static final long MAX_RETRY_MS = 2_000;

  private final Vertx vertx;
  private final JobLease lease;
  private final Pool pool;
  private final RunStreams streams;
  private final UUID runId;
  private final Job job;
  private long lastSeq;
  private List<Pending> gathering = new ArrayList<>();
  private boolean inFlight;
  private boolean leaseLost;
  private Future<Void> publishing = Future.succeededFuture();
  private Promise<Void> idle;

  /** {@code lease} may be null outside an attempt (ending a job whose attempts are used up). */
  RunEventWriter(Vertx vertx, Pool pool, RunStreams streams, UUID runId, Job job, JobLease lease, long lastSeq) {
    this.vertx = vertx;
    this.lease = lease;
    this.pool = pool;
    this.streams = streams;
    this.runId = runId;
    this.job = job;
    this.lastSeq = lastSeq;
  }

  long lastSeq() {
    return lastSeq;
  }

  boolean leaseLost() {
    return leaseLost;
  }

  /** Appends an event; the future completes once it is committed to PostgreSQL. */
  Future<Void> emit(String type, JsonObject data) {
    if (leaseLost) {
      return Future.failedFuture(new LeaseLostException());
    }
    if (gathering.size() >= MAX_WAITING) {
      LOG.warn("run events waiting for the database exceed {}, writer stops [run: {}]", MAX_WAITING, runId);
      stop(new LeaseLostException(), List.of());
      return Future.failedFuture(new LeaseLostException());
    }
    Pending pending = new Pending(RunEvent.now(runId, ++lastSeq, type, data), Promise.promise());
    gathering.add(pending);
    if (!inFlight) {
      flush();
    }
    return pending.persisted().future();
  }

  private void flush() {
    List<Pending> batch = gathering;
    gathering = new ArrayList<>();
    inFlight = true;
    append(batch, batch.stream().map(Pending::event).toList(), new Retry());
  }

  private void append(List<Pending> batch, List<RunEvent> events, Retry retry) {
    long started = System.nanoTime();
    RunEventLog.appendFenced(pool, job.id(), job.leaseToken(), events).onComplete(result -> {
      appendTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS);
      boolean written = result.succeeded() && result.result()
          // an earlier try committed although its answer was lost: the seqs are ours, and written
          || result.failed() && retry.attempts > 0 && duplicateKey(result.cause());
      if (!written && result.failed() && retry.allowed(result.cause())) {
        if (retry.attempts == 0) {
          LOG.warn("event append failed, retrying while the lease holds [run: {}, events: {}]: {}", runId,
              events.size(), result.cause().toString());
        }
        vertx.setTimer(retry.next(), t -> append(batch, events, retry));
        return;
      }
      inFlight = false;
      if (written) {
        if (retry.attempts > 0) {
          LOG.info("event append went through after {} retries [run: {}]", retry.attempts, runId);
        }
        publish(events);
        batch.forEach(p -> p.persisted().tryComplete());
      } else {
        // a refused or failed insert leaves seqs assigned but unwritten: this writer must stop here,
        // and the job's next attempt continues from what PostgreSQL holds
        Throwable cause = result.succeeded() ? new LeaseLostException() : result.cause();
        if (result.failed()) {
          LOG.warn("event append failed, writer stops [run: {}]: {}", runId, cause.toString());
        }
        stop(cause, batch);
      }
      if (!gathering.isEmpty()) {
        flush();
      } else if (idle != null) {
        Promise<Void> waiting = idle;
        idle = null;
        waiting.complete();
      }
    });
  }

  private void stop(Throwable cause, List<Pending> batch) {
    leaseLost = true;
    batch.forEach(p -> p.persisted().tryFail(cause));
    gathering.forEach(p -> p.persisted().tryFail(cause));
    gathering.clear();
  }

  private static boolean duplicateKey(Throwable failure) {
    return failure instanceof io.vertx.sqlclient.DatabaseException database && "23505".equals(database.getSqlState());
  }

  /**
   * Backoff for one write: doubling pauses up to {@link #MAX_RETRY_MS}, allowed only for an outage
   * (not an error of the statement) and only while the lease can still be held: not known lost, and
   * the database away for less than the lease's length (heartbeats fail with it, so past that the
   * job may already be someone else's; the fence would refuse the insert then anyway).
   */
  private final class Retry {
    int attempts;
    private long firstFailure;

    boolean allowed(Throwable failure) {
      if (firstFailure == 0) {
        firstFailure = System.nanoTime();
      }
      boolean lost = leaseLost || lease != null && lease.isLost();
      long window = (lease == null ? java.time.Duration.ofSeconds(30) : lease.length()).toNanos();
      return DatabaseFailures.unavailable(failure) && !lost && System.nanoTime() - firstFailure < window;
    }

    long next() {
      long delay = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS << Math.min(attempts, 10));
      attempts++;
      return delay;
    }
  }

  /** Completes when every event emitted so far is committed (or has failed). */
  Future<Void> drained() {
    if (!inFlight && gathering.isEmpty()) {
      return Future.succeededFuture();
    }
    if (idle == null) {
      idle = Promise.promise();
    }
    return idle.future();
  }

  /**
   * Ends the writer's work in one transaction: the given last events (fenced), whatever
   * {@code sameTransaction} writes (the run row, the final message, the thread), and the job's
   * completion or parking. Returns false when the lease was already lost (nothing was written).
   */
  Future<Boolean> finish(List<String> types, List<JsonObject> datas, boolean parkJob,
      Function<SqlConnection, Future<Void>> sameTransaction) {
    return end(types, datas, parkJob, null, sameTransaction);
  }

  /**
   * Like {@link #finish} with the job parked: until an answer or a cancel wakes it, or, with {@code
   * deadlineSeconds}, queued to run again by itself at the deadline.
   */
  Future<Boolean> finishParked(List<String> types, List<JsonObject> datas, Integer deadlineSeconds,
      Function<SqlConnection, Future<Void>> sameTransaction) {
    return end(types, datas, true, deadlineSeconds, sameTransaction);
  }

  private Future<Boolean> end(List<String> types, List<JsonObject> datas, boolean parkJob, Integer deadlineSeconds,
      Function<SqlConnection, Future<Void>> sameTransaction) {
    return drained().recover(e -> Future.succeededFuture()).compose(v -> {
      if (leaseLost) {
        return Future.succeededFuture(false);
      }
      List<RunEvent> events = new ArrayList<>();
      for (int i = 0; i < types.size(); i++) {
        events.add(RunEvent.now(runId, ++lastSeq, types.get(i), datas.get(i)));
      }
      return endTransaction(events, parkJob, deadlineSeconds, sameTransaction, new Retry())
          .onSuccess(ok -> publish(events))
          .recover(e -> {
            if (e instanceof LeaseLostException) {
              leaseLost = true;
              return Future.succeededFuture(false);
            }
            // nothing of the end was written: its seqs are free for the end that replaces it
            lastSeq -= events.size();
            return Future.failedFuture(e);
          });
    });
  }

  /**
   * The run's last events with the job's end (one fenced statement), then {@code sameTransaction}, in
   * one transaction; sent again like an insert when the database was away. If a lost answer hid a
   * commit, the retry finds the job no longer leased and reports the lease lost: the run's end is
   * written all the same.
   */
  private Future<Boolean> endTransaction(List<RunEvent> events, boolean parkJob, Integer deadlineSeconds,
      Function<SqlConnection, Future<Void>> sameTransaction, Retry retry) {
    return pool.withTransaction(tx -> RunEventLog.appendEnding(tx, first -> parkJob
                ? JobQueue.parking(job, deadlineSeconds, first) : JobQueue.completing(job, first), events)
            .compose(held -> held ? sameTransaction.apply(tx).map(true)
                : Future.failedFuture(new LeaseLostException())))
        .recover(failure -> {
          if (failure instanceof LeaseLostException || !retry.allowed(failure)) {
            return Future.failedFuture(failure);
          }
          if (retry.attempts == 0) {
            LOG.warn("run end failed to commit, retrying while the lease holds [run: {}]: {}", runId, failure.toString());
          }
          return vertx.timer(retry.next(), TimeUnit.MILLISECONDS)
              .compose(t -> endTransaction(events, parkJob, deadlineSeconds, sameTransaction, retry));
        });
  }

  private void publish(List<RunEvent> events) {
    if (events.isEmpty()) {
      return;
    }
    publishing = publishing.eventually(() -> {
      long started = System.nanoTime();
      return streams.publish(events)
          .onSuccess(v -> publishTimer.record(System.nanoTime() - started, TimeUnit.NANOSECONDS))
          .onFailure(e -> LOG.debug("stream publish failed, readers fall back to PostgreSQL [run: {}]: {}",
            runId, e.toString()));
    });
  }
}
