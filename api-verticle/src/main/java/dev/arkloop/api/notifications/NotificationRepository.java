package dev.arkloop.api.notifications;

import dev.arkloop.api.threads.ThreadCursor;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.notifications.Notifications;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** A user's notifications: every query is keyed by the user, so another user's id finds nothing. */
final class NotificationRepository {
  private static final String COLUMNS = Notifications.COLUMNS;

  /** A notification with its exact position in the user's timeline (for cursors and replays). */
  record Entry(JsonObject json, ThreadCursor position) {}

  private final Pool pool;

  NotificationRepository(Pool pool) {
    this.pool = pool;
  }

  /** Newest first, {@code limit + 1} rows at most, so the caller knows whether there is more. */
  Future<List<Entry>> list(UUID userId, boolean unreadOnly, String type, ThreadCursor before, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM notifications WHERE user_id = $1 "
            + "AND ($2 = false OR read_at IS NULL) AND ($3::text IS NULL OR type = $3) "
            + "AND ($4::timestamptz IS NULL OR (created_at, id) < ($4, $5)) "
            + "ORDER BY created_at DESC, id DESC LIMIT $6")
        .execute(Tuple.of(userId, unreadOnly, type, before == null ? null : before.sortTime(),
            before == null ? null : before.id(), limit + 1))
        .map(NotificationRepository::entries);
  }

  Future<Integer> markAllRead(UUID userId) {
    return pool.preparedQuery("UPDATE notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL")
        .execute(Tuple.of(userId))
        .map(RowSet::rowCount);
  }

  /** False when the notification is unknown, someone else's, or already read. */
  Future<Boolean> markRead(UUID userId, UUID id) {
    return pool.preparedQuery("UPDATE notifications SET read_at = now() WHERE id = $1 AND user_id = $2 "
            + "AND read_at IS NULL")
        .execute(Tuple.of(id, userId))
        .map(rows -> rows.rowCount() == 1);
  }

  Future<Long> unreadCount(UUID userId) {
    return pool.preparedQuery("SELECT count(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .execute(Tuple.of(userId))
        .map(rows -> rows.iterator().next().getLong("n"));
  }

  /** The position of one of the user's notifications, or null when it is not theirs (or gone). */
  Future<ThreadCursor> position(UUID userId, UUID id) {
    return pool.preparedQuery("SELECT id, created_at FROM notifications WHERE id = $1 AND user_id = $2")
        .execute(Tuple.of(id, userId))
        .map(rows -> rows.size() == 0 ? null : cursor(rows.iterator().next()));
  }

  /** The position of the user's newest notification; a position before everything when there is none. */
  Future<ThreadCursor> newest(UUID userId) {
    return pool.preparedQuery("SELECT id, created_at FROM notifications WHERE user_id = $1 "
            + "ORDER BY created_at DESC, id DESC LIMIT 1")
        .execute(Tuple.of(userId))
        .map(rows -> rows.size() == 0 ? new ThreadCursor(OffsetDateTime.parse("1970-01-01T00:00:00Z"),
            new UUID(0, 0)) : cursor(rows.iterator().next()));
  }

  /** Oldest first: what the user got after {@code after}, at most {@code limit}. */
  Future<List<Entry>> after(UUID userId, ThreadCursor after, int limit) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM notifications WHERE user_id = $1 "
            + "AND (created_at, id) > ($2, $3) ORDER BY created_at, id LIMIT $4")
        .execute(Tuple.of(userId, after.sortTime(), after.id(), limit))
        .map(NotificationRepository::entries);
  }

  /** The broadcast's notifications of these users. */
  Future<List<Entry>> ofBroadcast(UUID broadcastId, List<UUID> userIds) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM notifications WHERE broadcast_id = $1 "
            + "AND user_id = ANY($2)")
        .execute(Tuple.of(broadcastId, (Object) userIds.toArray(UUID[]::new)))
        .map(NotificationRepository::entries);
  }

  private static List<Entry> entries(RowSet<Row> rows) {
    List<Entry> entries = new ArrayList<>(rows.size());
    rows.forEach(row -> entries.add(new Entry(RowJson.toJson(row), cursor(row))));
    return entries;
  }

  private static ThreadCursor cursor(Row row) {
    return new ThreadCursor(row.getOffsetDateTime("created_at"), row.getUUID("id"));
  }
}
