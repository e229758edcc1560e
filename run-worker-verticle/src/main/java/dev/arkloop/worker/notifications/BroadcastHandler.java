package dev.arkloop.worker.notifications;

import dev.arkloop.common.jobs.Job;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.notifications.Broadcasts;
import dev.arkloop.common.notifications.NotificationChannels;
import dev.arkloop.worker.jobs.JobHandler;
import dev.arkloop.worker.jobs.JobLease;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans a broadcast out to every active user of its target in batches: one transaction per batch
 * locks the broadcast, inserts the next users' notifications with one {@code INSERT … SELECT} and
 * moves the broadcast's cursor past them. A worker killed mid-way leaves the cursor at the last
 * committed batch, so the next lease resumes there; the unique (broadcast, user) index drops any
 * duplicate should two workers ever overlap. Each committed batch is announced once on the
 * broadcast channel for the users listening live.
 */
public final class BroadcastHandler implements JobHandler {
  private static final Logger LOG = LoggerFactory.getLogger(BroadcastHandler.class);
  public static final int DEFAULT_BATCH = 5_000;
  private static final String LOCK = "SELECT target_id, type, title, body, payload, cursor_user_id, status "
      + "FROM notification_broadcasts WHERE id = $1 AND deleted_at IS NULL FOR UPDATE";
  private static final String ALL_USERS = """
      SELECT u.id FROM users u WHERE u.status = 'active' AND u.deleted_at IS NULL
        AND ($2::uuid IS NULL OR u.id > $2) AND $3::uuid IS NULL
      ORDER BY u.id LIMIT $4""";
  private static final String ACCOUNT_USERS = """
      SELECT m.user_id AS id FROM memberships m JOIN users u ON u.id = m.user_id
      WHERE m.org_id = $3 AND ($2::uuid IS NULL OR m.user_id > $2) AND u.status = 'active' AND u.deleted_at IS NULL
      ORDER BY m.user_id LIMIT $4""";
  private static final String FAN_OUT = """
      WITH batch AS MATERIALIZED (%s), inserted AS (
        INSERT INTO notifications (id, user_id, org_id, type, title, body, payload, broadcast_id)
        SELECT gen_random_uuid(), b.id, $3, $5, $6, $7, $8, $1 FROM batch b
        ON CONFLICT (broadcast_id, user_id) WHERE broadcast_id IS NOT NULL DO NOTHING
        RETURNING 1
      )
      UPDATE notification_broadcasts
      SET cursor_user_id = coalesce((SELECT id FROM batch ORDER BY id DESC LIMIT 1), cursor_user_id),
        sent_count = sent_count + (SELECT count(*) FROM inserted)
      WHERE id = $1
      RETURNING cursor_user_id, (SELECT count(*) FROM batch) AS batch_size""";

  private final Pool pool;
  private final NotificationChannels channels;
  private final int batchSize;

  public BroadcastHandler(Pool pool, NotificationChannels channels, int batchSize) {
    this.pool = pool;
    this.channels = channels;
    this.batchSize = batchSize;
  }

  @Override
  public String type() {
    return Broadcasts.JOB_TYPE;
  }

  @Override
  public Future<Void> handle(Job job, JobLease lease) {
    UUID broadcastId = UUID.fromString(job.payload().getString("broadcast_id"));
    long started = System.nanoTime();
    return nextBatch(job, lease, broadcastId).onSuccess(v -> LOG.info(
        "broadcast fanned out [broadcast: {}, ms: {}]", broadcastId, (System.nanoTime() - started) / 1_000_000));
  }

  private Future<Void> nextBatch(Job job, JobLease lease, UUID broadcastId) {
    if (lease.isLost()) {
      return Future.succeededFuture();
    }
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK).execute(Tuple.of(broadcastId)).compose(rows -> {
      if (rows.size() == 0 || !rows.iterator().next().getString("status").equals("pending")) {
        return JobQueue.complete(tx, job).map(done -> (Batch) null); // deleted, or finished before
      }
      Row broadcast = rows.iterator().next();
      UUID after = broadcast.getUUID("cursor_user_id");
      UUID targetOrg = broadcast.getUUID("target_id");
      String sql = String.format(FAN_OUT, targetOrg == null ? ALL_USERS : ACCOUNT_USERS);
      return tx.preparedQuery(sql).execute(Tuple.from(new Object[] {broadcastId, after, targetOrg, batchSize,
              broadcast.getString("type"), broadcast.getString("title"), broadcast.getString("body"),
              payload(broadcast.getValue("payload"))}))
          .compose(updated -> {
            Row row = updated.iterator().next();
            Batch batch = new Batch(after, row.getUUID("cursor_user_id"), row.getLong("batch_size"));
            return batch.size() < batchSize ? finish(tx, job, broadcastId).map(batch) : Future.succeededFuture(batch);
          });
    })).compose(batch -> {
      if (batch == null) {
        return Future.succeededFuture();
      }
      if (batch.size() > 0) {
        channels.publishBroadcastBatch(broadcastId, batch.after(), batch.last())
            .onFailure(e -> LOG.debug("broadcast batch not announced: {}", e.toString()));
      }
      return batch.size() < batchSize ? Future.succeededFuture() : nextBatch(job, lease, broadcastId);
    });
  }

  private static Future<Void> finish(SqlConnection tx, Job job, UUID broadcastId) {
    return tx.preparedQuery("UPDATE notification_broadcasts SET status = 'completed', completed_at = now() "
            + "WHERE id = $1")
        .execute(Tuple.of(broadcastId))
        .compose(v -> JobQueue.complete(tx, job))
        .mapEmpty();
  }

  @Override
  public Future<Void> exhausted(Job job, Throwable cause) {
    return pool.preparedQuery("UPDATE notification_broadcasts SET status = 'failed', error = $2, completed_at = now() "
            + "WHERE id = $1 AND status = 'pending'")
        .execute(Tuple.of(UUID.fromString(job.payload().getString("broadcast_id")), String.valueOf(cause.getMessage())))
        .mapEmpty();
  }

  private static JsonObject payload(Object value) {
    return value instanceof JsonObject json ? json : new JsonObject(String.valueOf(value));
  }

  private record Batch(UUID after, UUID last, long size) {}
}
