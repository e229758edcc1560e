package dev.arkloop.api.threads;

import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Threads of an account. A thread is visible to a user when it is not deleted and is theirs or not
 * private; every other one answers as missing. Parameters $1 and $2 are always the org and the user.
 */
public final class ThreadRepository {
  static final String COLUMNS = "t.id, t.org_id, t.created_by_user_id, t.title, t.project_id, t.created_at, "
      + "t.updated_at, t.active_run_id, t.is_private";
  static final String VISIBLE = "t.org_id = $1 AND t.deleted_at IS NULL "
      + "AND (t.created_by_user_id = $2 OR NOT t.is_private)";
  private static final String NOW_MS = "date_trunc('milliseconds', clock_timestamp())";

  private final Pool pool;

  public ThreadRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> create(UUID orgId, UUID userId, String title, boolean isPrivate, UUID projectId) {
    return pool.preparedQuery("INSERT INTO threads AS t (id, org_id, created_by_user_id, title, is_private, "
            + "project_id) VALUES ($3, $1, $2, $4, $5, $6) RETURNING " + COLUMNS)
        .execute(Tuple.of(orgId, userId, Ids.newId(), title, isPrivate, projectId))
        .map(RowJson::first);
  }

  /** The thread if the user may see it, else null. */
  public Future<JsonObject> get(UUID orgId, UUID userId, UUID threadId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM threads t WHERE " + VISIBLE + " AND t.id = $3")
        .execute(Tuple.of(orgId, userId, threadId))
        .map(RowJson::first);
  }

  /**
   * Most recently active first. Without a project: the user's own threads. With one: every thread of
   * the project the user may see.
   */
  public Future<ThreadPage> list(UUID orgId, UUID userId, UUID projectId, ThreadCursor before, int limit) {
    StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM threads t WHERE ");
    Tuple params = Tuple.of(orgId, userId, limit + 1);
    if (projectId == null) {
      sql.append("t.org_id = $1 AND t.deleted_at IS NULL AND t.created_by_user_id = $2");
    } else {
      sql.append(VISIBLE).append(" AND t.project_id = $4");
      params.addValue(projectId);
    }
    if (before != null) {
      int time = params.size() + 1;
      sql.append(" AND (t.updated_at, t.id) < ($").append(time).append(", $").append(time + 1).append(')');
      params.addValue(before.sortTime()).addValue(before.id());
    }
    sql.append(" ORDER BY t.updated_at DESC, t.id DESC LIMIT $3");
    return pool.preparedQuery(sql.toString()).execute(params).map(rows -> page(rows, limit));
  }

  /** Applies the patch to a visible thread; null when there is none. */
  public Future<JsonObject> update(UUID orgId, UUID userId, UUID threadId, ThreadPatch patch) {
    return pool.preparedQuery("UPDATE threads t SET "
            + "title = CASE WHEN $4 THEN $5 ELSE t.title END, "
            + "project_id = CASE WHEN $6 THEN $7::uuid ELSE t.project_id END, "
            + "updated_at = " + NOW_MS + " WHERE " + VISIBLE + " AND t.id = $3 RETURNING " + COLUMNS)
        .execute(Tuple.of(orgId, userId, threadId, patch.setTitle(), patch.title(), patch.setProject())
            .addValue(patch.projectId()))
        .map(RowJson::first);
  }

  /** Soft delete: the thread disappears from every list and read; false when there was none. */
  public Future<Boolean> delete(UUID orgId, UUID userId, UUID threadId) {
    return pool.preparedQuery("UPDATE threads t SET deleted_at = now() WHERE " + VISIBLE + " AND t.id = $3")
        .execute(Tuple.of(orgId, userId, threadId))
        .map(rows -> rows.rowCount() > 0);
  }

  /** True when the user may see the thread. */
  public Future<Boolean> visible(UUID orgId, UUID userId, UUID threadId) {
    return pool.preparedQuery("SELECT 1 FROM threads t WHERE " + VISIBLE + " AND t.id = $3")
        .execute(Tuple.of(orgId, userId, threadId))
        .map(rows -> rows.size() > 0);
  }

  /** Rows fetched with {@code limit + 1}: the extra row only says that another page exists. */
  static ThreadPage page(RowSet<Row> rows, int limit) {
    JsonArray items = new JsonArray();
    Row last = null;
    for (Row row : rows) {
      if (items.size() == limit) {
        ThreadCursor next = new ThreadCursor(last.getOffsetDateTime("updated_at"), last.getUUID("id"));
        return new ThreadPage(items, next.encode());
      }
      items.add(RowJson.toJson(row));
      last = row;
    }
    return new ThreadPage(items, null);
  }
}
