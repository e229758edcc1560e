package dev.arkloop.worker.runs;

import static dev.arkloop.common.testing.Await.await;

import dev.arkloop.common.db.Pools;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.jobs.Job;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.redis.RedisConnections;
import dev.arkloop.common.redis.RedisKeys;
import dev.arkloop.common.runs.RunEventLog;
import dev.arkloop.common.runs.RunLifecycle;
import dev.arkloop.common.runs.RunStreams;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.worker.jobs.JobLease;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;

/**
 * A real PostgreSQL database and Redis key prefix for the worker's run classes, and runs in it as the
 * API creates them, leased as a worker leases them.
 */
final class RunFixture {
  final Vertx vertx;
  final Pool pool;
  final RunStreams streams;
  final UUID orgId = Ids.newId();

  RunFixture(Vertx vertx) {
    this.vertx = vertx;
    this.pool = Pools.create(vertx, TestInfra.get().newDatabase(), 8);
    this.streams = new RunStreams(RedisConnections.pooled(vertx, TestInfra.get().redisUrl()),
        new RedisKeys(TestInfra.get().newKeyPrefix()));
    await(pool.preparedQuery("INSERT INTO orgs (id, slug, name, type) VALUES ($1, $2, 'Worker', 'personal')")
        .execute(Tuple.of(orgId, "w-" + Ids.randomHex(4))));
  }

  /** A run being executed: its row, its job leased by this worker, and the lease's handle. */
  record Leased(RunStore.RunRow run, Job job, Lease lease) {}

  /** The worker's hold on the job; the test decides when it is lost. */
  static final class Lease implements JobLease {
    final Promise<Void> lost = Promise.promise();

    @Override
    public Future<Void> lost() {
      return lost.future();
    }

    @Override
    public boolean isLost() {
      return lost.future().isComplete();
    }
  }

  /** Creates a run on a new thread (as the API does) and leases its job. */
  Leased leasedRun() {
    UUID threadId = Ids.newId();
    await(pool.preparedQuery("INSERT INTO threads (id, org_id, title) VALUES ($1, $2, 'run')")
        .execute(Tuple.of(threadId, orgId)));
    RunLifecycle.Created created = await(pool.withTransaction(tx -> RunLifecycle.create(tx,
        new RunLifecycle.NewRun(orgId, threadId, null, new JsonObject(), "trace-" + Ids.randomHex(4), null, null), 3,
        RunLifecycle.Admission.NONE)));
    Job job = await(new JobQueue(pool).leaseById(created.jobId(), "test-worker", Duration.ofSeconds(30)));
    RunStore.RunRow run = await(new RunStore(pool).takeUp(created.runId(), false)).run();
    return new Leased(run, job, new Lease());
  }

  /** A writer for the leased run, continuing after the events already in the log. */
  RunEventWriter writer(Leased leased) {
    long lastSeq = await(RunEventLog.lastSeq(pool, leased.run().id()));
    return new RunEventWriter(vertx, pool, streams, leased.run().id(), leased.job(), leased.lease(), lastSeq);
  }

  /** Another worker takes the job over, as after this one's lease expired. */
  Job takeOver(Job job) {
    await(pool.preparedQuery("UPDATE jobs SET lease_expires_at = now() - interval '1 second' WHERE id = $1")
        .execute(Tuple.of(job.id())));
    return await(new JobQueue(pool).leaseById(job.id(), "other-worker", Duration.ofSeconds(30)));
  }

  Row row(String sql, Object... params) {
    var rows = await(pool.preparedQuery(sql).execute(Tuple.from(params)));
    return rows.size() == 0 ? null : rows.iterator().next();
  }
}
