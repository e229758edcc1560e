package dev.arkloop.api.threads;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** A user's starred threads. Starring twice, or unstarring what is not starred, changes nothing. */
public final class StarRepository {
  private final Pool pool;

  public StarRepository(Pool pool) {
    this.pool = pool;
  }

  /** Stars a thread the user may see; false when there is no such thread. */
  public Future<Boolean> star(UUID orgId, UUID userId, UUID threadId) {
    return pool.preparedQuery("WITH target AS (SELECT t.id FROM threads t WHERE " + ThreadRepository.VISIBLE
            + " AND t.id = $3), starred AS (INSERT INTO thread_stars (user_id, thread_id) SELECT $2, id FROM target "
            + "ON CONFLICT DO NOTHING) SELECT count(*) AS found FROM target")
        .execute(Tuple.of(orgId, userId, threadId))
        .map(rows -> rows.iterator().next().getLong("found") > 0);
  }

  /** Unstars a thread the user may see; false when there is no such thread. */
  public Future<Boolean> unstar(UUID orgId, UUID userId, UUID threadId) {
    return pool.preparedQuery("WITH target AS (SELECT t.id FROM threads t WHERE " + ThreadRepository.VISIBLE
            + " AND t.id = $3), unstarred AS (DELETE FROM thread_stars s USING target "
            + "WHERE s.user_id = $2 AND s.thread_id = target.id) SELECT count(*) AS found FROM target")
        .execute(Tuple.of(orgId, userId, threadId))
        .map(rows -> rows.iterator().next().getLong("found") > 0);
  }

  /** Ids of the user's starred threads in the account that still exist, most recently starred first. */
  public Future<JsonArray> starredIds(UUID orgId, UUID userId) {
    return pool.preparedQuery("SELECT t.id FROM thread_stars s JOIN threads t ON t.id = s.thread_id "
            + "WHERE s.user_id = $2 AND " + ThreadRepository.VISIBLE + " ORDER BY s.created_at DESC, t.id DESC")
        .execute(Tuple.of(orgId, userId))
        .map(rows -> {
          JsonArray ids = new JsonArray();
          rows.forEach(row -> ids.add(row.getUUID("id").toString()));
          return ids;
        });
  }
}
