package dev.arkloop.api.threads;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.Map;
import java.util.UUID;

/** A user's starred threads. Starring twice, or unstarring what is not starred, changes nothing. */
public final class StarRepository {
  private static final String TARGET = "WITH target AS (SELECT t.id FROM threads t WHERE "
      + ThreadRepository.VISIBLE + " AND t.id = #{thread_id})";

  private final SqlTemplate<Map<String, Object>, RowSet<Row>> star;
  private final SqlTemplate<Map<String, Object>, RowSet<Row>> unstar;
  private final SqlTemplate<Map<String, Object>, RowSet<Row>> starred;

  public StarRepository(Pool pool) {
    this.star = SqlTemplate.forQuery(pool, TARGET + ", starred AS (INSERT INTO thread_stars (user_id, thread_id) "
        + "SELECT #{user_id}, id FROM target ON CONFLICT DO NOTHING) SELECT count(*) AS found FROM target");
    this.unstar = SqlTemplate.forQuery(pool, TARGET + ", unstarred AS (DELETE FROM thread_stars s USING target "
        + "WHERE s.user_id = #{user_id} AND s.thread_id = target.id) SELECT count(*) AS found FROM target");
    this.starred = SqlTemplate.forQuery(pool, "SELECT t.id FROM thread_stars s JOIN threads t ON t.id = s.thread_id "
        + "WHERE s.user_id = #{user_id} AND " + ThreadRepository.VISIBLE + " ORDER BY s.created_at DESC, t.id DESC");
  }

  /** Stars a thread the user may see; false when there is no such thread. */
  public Future<Boolean> star(UUID orgId, UUID userId, UUID threadId) {
    return star.execute(Map.of("org_id", orgId, "user_id", userId, "thread_id", threadId))
        .map(rows -> rows.iterator().next().getLong("found") > 0);
  }

  /** Unstars a thread the user may see; false when there is no such thread. */
  public Future<Boolean> unstar(UUID orgId, UUID userId, UUID threadId) {
    return unstar.execute(Map.of("org_id", orgId, "user_id", userId, "thread_id", threadId))
        .map(rows -> rows.iterator().next().getLong("found") > 0);
  }

  /** Ids of the user's starred threads in the account that still exist, most recently starred first. */
  public Future<JsonArray> starredIds(UUID orgId, UUID userId) {
    return starred.execute(Map.of("org_id", orgId, "user_id", userId))
        .map(rows -> {
          JsonArray ids = new JsonArray();
          rows.forEach(row -> ids.add(row.getUUID("id").toString()));
          return ids;
        });
  }
}
