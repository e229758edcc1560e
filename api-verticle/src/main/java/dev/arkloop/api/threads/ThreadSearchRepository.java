package dev.arkloop.api.threads;

import dev.arkloop.common.db.RowJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Full-text search over the user's thread titles and visible message text ({@code simple}
 * configuration: no stemming, so it works the same for every language). A title hit weighs twice a
 * message hit, and the rank of a thread adds both, so title and body beat body alone; ties go to
 * the most recently active.
 */
public final class ThreadSearchRepository {
  private static final String SEARCH = """
      WITH query AS (SELECT websearch_to_tsquery('simple', $3) AS q),
      title_hits AS (
        SELECT t.id, ts_rank(t.title_tsv, query.q) AS rank FROM threads t, query
        WHERE t.org_id = $1 AND t.created_by_user_id = $2 AND t.deleted_at IS NULL AND t.title_tsv @@ query.q),
      body_hits AS (
        SELECT m.thread_id AS id, max(ts_rank(to_tsvector('simple', m.content), query.q)) AS rank
        FROM messages m, query
        WHERE m.org_id = $1 AND NOT m.hidden AND to_tsvector('simple', m.content) @@ query.q
        GROUP BY m.thread_id)
      SELECT %s FROM threads t
      LEFT JOIN title_hits th ON th.id = t.id
      LEFT JOIN body_hits bh ON bh.id = t.id
      WHERE t.org_id = $1 AND t.created_by_user_id = $2 AND t.deleted_at IS NULL
        AND (th.id IS NOT NULL OR bh.id IS NOT NULL)
      ORDER BY 2 * coalesce(th.rank, 0) + coalesce(bh.rank, 0) DESC, t.updated_at DESC, t.id DESC
      LIMIT $4""".formatted(ThreadRepository.COLUMNS);

  private final Pool pool;

  public ThreadSearchRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonArray> search(UUID orgId, UUID userId, String text, int limit) {
    return pool.preparedQuery(SEARCH).execute(Tuple.of(orgId, userId, text, limit)).map(RowJson::toArray);
  }
}
