package dev.arkloop.common.jobs;

import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Durable jobs in PostgreSQL. Producers enqueue inside their own transaction; consumers lease with
 * {@code FOR UPDATE SKIP LOCKED}, so any number of workers can poll without taking each other's
 * jobs. A lease carries a random token and an expiry: a worker that dies stops heartbeating, the
 * lease expires, and another worker leases the job again. Every write after the lease is fenced by
 * the token, so a worker that lost its lease can no longer change the job.
 */
public final class JobQueue {
  private static final String RETURNING =
      " RETURNING id, type, payload_version, payload, org_id, attempts, max_attempts, lease_token";
  private static final String CLAIMABLE = """
      ((status = 'queued' AND run_after <= now()) OR (status = 'leased' AND lease_expires_at < now()))""";

  private final Pool pool;

  /**
   * A query that yields a row only while the lease {@code tokenParam} of job {@code idParam} is held,
   * share-locking the job for the statement (a takeover waits for it): the fence of writes that
   * belong to a lease holder but go to other tables, such as run events.
   */
  public static String leaseHeld(String idParam, String tokenParam) {
    return "SELECT 1 FROM jobs WHERE id = " + idParam + " AND lease_token = " + tokenParam
        + " AND status = 'leased' FOR SHARE";
  }

  /**
   * A write to a held job for a {@code WITH} item of another statement: {@code sql} yields the job's
   * id only while the lease is held (else it writes nothing), with its parameters from the number
   * given to the factory on, whose {@code values} follow in order.
   */
  public record HeldUpdate(String sql, List<Object> values) {}

  /** The start of a job insert whose SELECT yields id, type, payload_version, payload, org_id, max_attempts. */
  public static String insertInto() {
    return "INSERT INTO jobs (id, type, payload_version, payload, org_id, max_attempts)";
  }

  /** Marks the held job done ({@link #complete}), with its parameters from {@code $first}. */
  public static HeldUpdate completing(Job job, int first) {
    return new HeldUpdate(finishSql(first) + " RETURNING id", Arrays.asList(job.id(), job.leaseToken(), "done", null));
  }

  /** Parks the held job ({@link #park}), with its parameters from {@code $first}. */
  public static HeldUpdate parking(Job job, Integer deadlineSeconds, int first) {
    return new HeldUpdate(parkSql(first) + " RETURNING id", Arrays.asList(job.id(), job.leaseToken(), deadlineSeconds));
  }

  private static String finishSql(int first) {
    return "UPDATE jobs SET status = $" + (first + 2) + ", last_error = $" + (first + 3)
        + ", lease_token = NULL, lease_expires_at = NULL, updated_at = now() WHERE id = $" + first
        + " AND lease_token = $" + (first + 1) + " AND status = 'leased'";
  }

  private static String parkSql(int first) {
    String deadline = "$" + (first + 2) + "::int";
    return "UPDATE jobs SET status = CASE WHEN " + deadline + " IS NULL THEN 'parked' ELSE 'queued' END, "
        + "run_after = now() + make_interval(secs => coalesce(" + deadline + ", 0)), attempts = 0, lease_token = NULL, "
        + "lease_owner = NULL, lease_expires_at = NULL, updated_at = now() "
        + "WHERE id = $" + first + " AND lease_token = $" + (first + 1) + " AND status = 'leased'";
  }

  public JobQueue(Pool pool) {
    this.pool = pool;
  }

  /** Adds a job in the caller's transaction; it becomes visible to workers when that commits. */
  public static Future<UUID> enqueue(SqlClient tx, String type, int payloadVersion, JsonObject payload, UUID orgId,
      int maxAttempts) {
    UUID id = Ids.newId();
    return tx.preparedQuery(insertInto() + " VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(id, type, payloadVersion, payload, orgId, maxAttempts))
        .map(id);
  }

  /** Leases up to {@code max} claimable jobs of the given types, oldest first. */
  public Future<List<Job>> lease(List<String> types, int max, String owner, Duration lease) {
    if (max <= 0) {
      return Future.succeededFuture(List.of());
    }
    return pool.preparedQuery("UPDATE jobs SET status = 'leased', lease_token = gen_random_uuid(), lease_owner = $3, "
            + "lease_expires_at = now() + make_interval(secs => $4), attempts = attempts + 1, updated_at = now() "
            + "WHERE id IN (SELECT id FROM jobs WHERE type = ANY($1) AND " + CLAIMABLE
            + " ORDER BY run_after LIMIT $2 FOR UPDATE SKIP LOCKED)" + RETURNING)
        .execute(Tuple.of(types.toArray(String[]::new), max, owner, (double) lease.toMillis() / 1000))
        .map(JobQueue::jobs);
  }

  /** Leases one specific job if it is claimable (a wake-up over the event bus names it); else null. */
  public Future<Job> leaseById(UUID id, String owner, Duration lease) {
    return pool.preparedQuery("UPDATE jobs SET status = 'leased', lease_token = gen_random_uuid(), lease_owner = $2, "
            + "lease_expires_at = now() + make_interval(secs => $3), attempts = attempts + 1, updated_at = now() "
            + "WHERE id = (SELECT id FROM jobs WHERE id = $1 AND " + CLAIMABLE + " FOR UPDATE SKIP LOCKED)"
            + RETURNING)
        .execute(Tuple.of(id, owner, (double) lease.toMillis() / 1000))
        .map(rows -> {
          List<Job> jobs = jobs(rows);
          return jobs.isEmpty() ? null : jobs.get(0);
        });
  }

  /** Extends the lease; false when it was lost (expired and taken by another worker, or finished). */
  public Future<Boolean> heartbeat(Job job, Duration lease) {
    return pool.preparedQuery("UPDATE jobs SET lease_expires_at = now() + make_interval(secs => $3), updated_at = now() "
            + "WHERE id = $1 AND lease_token = $2 AND status = 'leased'")
        .execute(Tuple.of(job.id(), job.leaseToken(), (double) lease.toMillis() / 1000))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Marks the job done, fenced by the lease token, in the caller's transaction. */
  public static Future<Boolean> complete(SqlClient tx, Job job) {
    return finish(tx, job, "done", null);
  }

  public Future<Boolean> complete(Job job) {
    return complete(pool, job);
  }

  /** Gives up on the job for good. */
  public static Future<Boolean> fail(SqlClient tx, Job job, String error) {
    return finish(tx, job, "failed", error);
  }

  public Future<Boolean> fail(Job job, String error) {
    return fail(pool, job, error);
  }

  /**
   * Hands the job back for another try after {@code delay}; once attempts are used up it fails.
   * Returns false when the lease was already lost.
   */
  public Future<Boolean> retryLater(Job job, String error, Duration delay) {
    return pool.preparedQuery("UPDATE jobs SET status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, "
            + "run_after = now() + make_interval(secs => $3), lease_token = NULL, lease_owner = NULL, "
            + "lease_expires_at = NULL, last_error = $4, updated_at = now() "
            + "WHERE id = $1 AND lease_token = $2 AND status = 'leased'")
        .execute(Tuple.of(job.id(), job.leaseToken(), (double) delay.toMillis() / 1000, error))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Hands the job back at once without counting the attempt (e.g. a worker shutting down). */
  public Future<Boolean> release(Job job) {
    return pool.preparedQuery("UPDATE jobs SET status = 'queued', attempts = greatest(attempts - 1, 0), "
            + "lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, updated_at = now() "
            + "WHERE id = $1 AND lease_token = $2 AND status = 'leased'")
        .execute(Tuple.of(job.id(), job.leaseToken()))
        .map(rows -> rows.rowCount() == 1);
  }

  /**
   * A parked attempt ended well: the job waits for a wake-up ({@link #wake}), or with {@code
   * deadlineSeconds} until then at the latest. Its attempt count starts over, so pauses never
   * exhaust it. Fenced by the lease; false when it was lost.
   */
  public static Future<Boolean> park(SqlClient tx, Job job, Integer deadlineSeconds) {
    return tx.preparedQuery(parkSql(1))
        .execute(Tuple.of(job.id(), job.leaseToken(), deadlineSeconds))
        .map(rows -> rows.rowCount() == 1);
  }

  /** Makes a parked job (or one queued for later, as with a deadline) claimable now. */
  public static Future<Void> wake(SqlClient tx, UUID jobId) {
    return tx.preparedQuery("UPDATE jobs SET status = 'queued', run_after = now(), updated_at = now() "
            + "WHERE id = $1 AND status IN ('parked', 'queued')")
        .execute(Tuple.of(jobId)).mapEmpty();
  }

  /**
   * Locks the job for the caller's transaction if no live worker holds it (queued, parked, or its
   * lease expired), so the caller may end it itself with {@link #closeTaken}; false when a worker
   * holds it or another transaction has it locked.
   */
  public static Future<Boolean> takeIdle(SqlClient tx, UUID jobId) {
    return tx.preparedQuery("SELECT id FROM jobs WHERE id = $1 AND (status IN ('queued', 'parked') "
            + "OR (status = 'leased' AND lease_expires_at < now())) FOR UPDATE SKIP LOCKED")
        .execute(Tuple.of(jobId))
        .map(rows -> rows.size() == 1);
  }

  /** Marks a job taken with {@link #takeIdle} done; an expired lease it had is voided. */
  public static Future<Void> closeTaken(SqlClient tx, UUID jobId) {
    return tx.preparedQuery("UPDATE jobs SET status = 'done', lease_token = NULL, lease_expires_at = NULL, "
            + "updated_at = now() WHERE id = $1")
        .execute(Tuple.of(jobId)).mapEmpty();
  }

  /** Replaces one text field of the job's payload (a mail body that may hold a sign-in code). */
  public static Future<Void> redactPayload(SqlClient client, UUID jobId, String field, String replacement) {
    return client.preparedQuery("UPDATE jobs SET payload = jsonb_set(payload, ARRAY[$2::text], to_jsonb($3::text)) "
            + "WHERE id = $1")
        .execute(Tuple.of(jobId, field, replacement)).mapEmpty();
  }

  private static Future<Boolean> finish(SqlClient client, Job job, String status, String error) {
    return client.preparedQuery(finishSql(1))
        .execute(Tuple.of(job.id(), job.leaseToken(), status, error))
        .map(rows -> rows.rowCount() == 1);
  }

  private static List<Job> jobs(RowSet<Row> rows) {
    List<Job> jobs = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Object payload = row.getValue("payload");
      jobs.add(new Job(row.getUUID("id"), row.getString("type"), row.getInteger("payload_version"),
          payload instanceof JsonObject json ? json : new JsonObject(String.valueOf(payload)),
          row.getUUID("org_id"), row.getInteger("attempts"), row.getInteger("max_attempts"),
          row.getUUID("lease_token")));
    }
    return jobs;
  }
}
