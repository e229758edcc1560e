package dev.arkloop.api.notifications;

import dev.arkloop.api.threads.ThreadCursor;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.notifications.Broadcasts;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Broadcasts as the platform admin sees them; creating one enqueues its fan-out job in the same transaction. */
final class BroadcastRepository {
  private static final String COLUMNS = "id, type, title, body, target_type, target_id, payload, status, sent_count, "
      + "error, created_by, created_at, completed_at";
  private static final int FAN_OUT_ATTEMPTS = 10;

  /** A created broadcast and the job that fans it out. */
  record Created(JsonObject broadcast, UUID jobId) {}

  /** A listed broadcast and its cursor. */
  record Entry(JsonObject json, ThreadCursor position) {}

  private final Pool pool;

  BroadcastRepository(Pool pool) {
    this.pool = pool;
  }

  Future<Boolean> accountExists(UUID orgId) {
    return pool.preparedQuery("SELECT 1 FROM orgs WHERE id = $1").execute(Tuple.of(orgId))
        .map(rows -> rows.size() == 1);
  }

  Future<Created> create(String type, String title, String body, JsonObject payload, UUID targetOrg, UUID createdBy) {
    UUID id = Ids.newId();
    return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO notification_broadcasts (id, type, title, body, "
                + "payload, target_type, target_id, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING "
                + COLUMNS)
            .execute(Tuple.from(new Object[] {id, type, title, body, payload, targetOrg == null ? "all" : "org",
                targetOrg, createdBy}))
            .compose(rows -> JobQueue.enqueue(tx, Broadcasts.JOB_TYPE, 1,
                    new JsonObject().put("broadcast_id", id.toString()), targetOrg, FAN_OUT_ATTEMPTS)
                .map(jobId -> new Created(RowJson.first(rows), jobId))));
  }

  Future<List<Entry>> list(ThreadCursor before, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM notification_broadcasts WHERE deleted_at IS NULL "
            + "AND ($1::timestamptz IS NULL OR (created_at, id) < ($1, $2)) ORDER BY created_at DESC, id DESC LIMIT $3")
        .execute(Tuple.of(before == null ? null : before.sortTime(), before == null ? null : before.id(), limit + 1))
        .map(rows -> {
          List<Entry> entries = new ArrayList<>();
          for (Row row : rows) {
            entries.add(new Entry(RowJson.toJson(row),
                new ThreadCursor(row.getOffsetDateTime("created_at"), row.getUUID("id"))));
          }
          return entries;
        });
  }

  Future<JsonObject> get(UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM notification_broadcasts WHERE id = $1 AND deleted_at IS NULL")
        .execute(Tuple.of(id))
        .map(RowJson::first);
  }

  /**
   * Soft-deletes the broadcast and removes its unread notifications; false when there is no such
   * broadcast. The row lock orders this against a fan-out batch, which stops at a deleted broadcast.
   */
  Future<Boolean> delete(UUID id) {
    return pool.withTransaction(tx -> tx.preparedQuery("UPDATE notification_broadcasts SET deleted_at = now() "
            + "WHERE id = $1 AND deleted_at IS NULL")
        .execute(Tuple.of(id))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(false)
            : tx.preparedQuery("DELETE FROM notifications WHERE broadcast_id = $1 AND read_at IS NULL")
                .execute(Tuple.of(id)).map(true)));
  }
}
