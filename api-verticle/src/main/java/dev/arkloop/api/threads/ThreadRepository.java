package dev.arkloop.api.threads;

import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Threads of an account. A thread is visible to a user when it is not deleted and is theirs or not
 * private; every other one answers as missing. Statements take named parameters: {@code org_id} and
 * {@code user_id} always, for the visibility predicate.
 */
public final class ThreadRepository {
  static final String COLUMNS = "t.id, t.org_id, t.created_by_user_id, t.title, t.project_id, t.created_at, "
      + "t.updated_at, t.active_run_id, t.is_private";
  static final String VISIBLE = "t.org_id = #{org_id} AND t.deleted_at IS NULL "
      + "AND (t.created_by_user_id = #{user_id} OR NOT t.is_private)";
  private static final String NOW_MS = "date_trunc('milliseconds', clock_timestamp())";
  private static final String OWN = "t.org_id = #{org_id} AND t.deleted_at IS NULL AND t.created_by_user_id = #{user_id}";
  private static final String IN_PROJECT = VISIBLE + " AND t.project_id = #{project_id}";
  private static final String BEFORE_CURSOR = " AND (t.updated_at, t.id) < (#{before_time}, #{before_id})";

  private final SqlTemplate<Map<String, Object>, RowSet<Row>> insert;
  private final SqlTemplate<Map<String, Object>, RowSet<Row>> select;
  private final SqlTemplate<Map<String, Object>, RowSet<Row>> listOwn;
  private final SqlTemplate<Map<String, Object>, RowSet<Row>> listOwnBefore;
  private final SqlTemplate<Map<String, Object>, RowSet<Row>> listProject;
  private final SqlTemplate<Map<String, Object>, RowSet<Row>> listProjectBefore;
  private final SqlTemplate<Map<String, Object>, RowSet<Row>> patch;
  private final SqlTemplate<Map<String, Object>, SqlResult<Void>> softDelete;
  private final SqlTemplate<Map<String, Object>, RowSet<Row>> exists;

  public ThreadRepository(Pool pool) {
    this.insert = SqlTemplate.forQuery(pool, "INSERT INTO threads AS t (id, org_id, created_by_user_id, title, "
        + "is_private, project_id) VALUES (#{id}, #{org_id}, #{user_id}, #{title}, #{is_private}, #{project_id}) "
        + "RETURNING " + COLUMNS);
    this.select = SqlTemplate.forQuery(pool, "SELECT " + COLUMNS + " FROM threads t WHERE " + VISIBLE
        + " AND t.id = #{thread_id}");
    this.listOwn = listing(pool, OWN, "");
    this.listOwnBefore = listing(pool, OWN, BEFORE_CURSOR);
    this.listProject = listing(pool, IN_PROJECT, "");
    this.listProjectBefore = listing(pool, IN_PROJECT, BEFORE_CURSOR);
    this.patch = SqlTemplate.forQuery(pool, "UPDATE threads t SET "
        + "title = CASE WHEN #{set_title} THEN #{title} ELSE t.title END, "
        + "project_id = CASE WHEN #{set_project} THEN #{project_id}::uuid ELSE t.project_id END, "
        + "updated_at = " + NOW_MS + " WHERE " + VISIBLE + " AND t.id = #{thread_id} RETURNING " + COLUMNS);
    this.softDelete = SqlTemplate.forUpdate(pool, "UPDATE threads t SET deleted_at = now() WHERE " + VISIBLE
        + " AND t.id = #{thread_id}");
    this.exists = SqlTemplate.forQuery(pool, "SELECT 1 FROM threads t WHERE " + VISIBLE + " AND t.id = #{thread_id}");
  }

  private static SqlTemplate<Map<String, Object>, RowSet<Row>> listing(Pool pool, String which, String after) {
    return SqlTemplate.forQuery(pool, "SELECT " + COLUMNS + " FROM threads t WHERE " + which + after
        + " ORDER BY t.updated_at DESC, t.id DESC LIMIT #{limit}");
  }

  /** The parameters every statement takes: who asks, in which account. */
  private static Map<String, Object> caller(UUID orgId, UUID userId) {
    Map<String, Object> params = new HashMap<>();
    params.put("org_id", orgId);
    params.put("user_id", userId);
    return params;
  }

  private static Map<String, Object> thread(UUID orgId, UUID userId, UUID threadId) {
    Map<String, Object> params = caller(orgId, userId);
    params.put("thread_id", threadId);
    return params;
  }

  public Future<JsonObject> create(UUID orgId, UUID userId, String title, boolean isPrivate, UUID projectId) {
    Map<String, Object> params = caller(orgId, userId);
    params.put("id", Ids.newId());
    params.put("title", title);
    params.put("is_private", isPrivate);
    params.put("project_id", projectId);
    return insert.execute(params).map(RowJson::first).recover(PgErrors.onForeignKey(ThreadRepository::unknownProject));
  }

  /** The project named is not one of the account's (or was deleted while the thread was written). */
  static DomainException unknownProject() {
    return new DomainException(DomainException.Kind.UNPROCESSABLE, "validation.error",
        "project_id is not a project of this account", new JsonObject().put("field", "project_id"));
  }

  /** The thread if the user may see it, else null. */
  public Future<JsonObject> get(UUID orgId, UUID userId, UUID threadId) {
    return select.execute(thread(orgId, userId, threadId)).map(RowJson::first);
  }

  /**
   * Most recently active first. Without a project: the user's own threads. With one: every thread of
   * the project the user may see.
   */
  public Future<ThreadPage> list(UUID orgId, UUID userId, UUID projectId, ThreadCursor before, int limit) {
    Map<String, Object> params = caller(orgId, userId);
    params.put("limit", limit + 1);
    params.put("project_id", projectId);
    if (before != null) {
      params.put("before_time", before.sortTime());
      params.put("before_id", before.id());
    }
    var statement = projectId == null ? (before == null ? listOwn : listOwnBefore)
        : (before == null ? listProject : listProjectBefore);
    return statement.execute(params).map(rows -> page(rows, limit));
  }

  /** Applies the patch to a visible thread; null when there is none. */
  public Future<JsonObject> update(UUID orgId, UUID userId, UUID threadId, ThreadPatch changes) {
    Map<String, Object> params = thread(orgId, userId, threadId);
    params.put("set_title", changes.setTitle());
    params.put("title", changes.title());
    params.put("set_project", changes.setProject());
    params.put("project_id", changes.projectId());
    return patch.execute(params).map(RowJson::first).recover(PgErrors.onForeignKey(ThreadRepository::unknownProject));
  }

  /** Soft delete: the thread disappears from every list and read; false when there was none. */
  public Future<Boolean> delete(UUID orgId, UUID userId, UUID threadId) {
    return softDelete.execute(thread(orgId, userId, threadId)).map(result -> result.rowCount() > 0);
  }

  /** True when the user may see the thread. */
  public Future<Boolean> visible(UUID orgId, UUID userId, UUID threadId) {
    return exists.execute(thread(orgId, userId, threadId)).map(rows -> rows.size() > 0);
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
