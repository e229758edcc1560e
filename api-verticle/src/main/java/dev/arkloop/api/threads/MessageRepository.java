package dev.arkloop.api.threads;

import dev.arkloop.common.threads.Conversation;
import dev.arkloop.common.threads.ThreadMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Messages of threads the caller may see; hidden messages are never listed. */
public final class MessageRepository {
  // The lock the activity bump needs anyway, taken first: concurrent posts to one thread queue up
  // instead of deadlocking on a shared lock each wants to upgrade.
  private static final String LOCK_VISIBLE_THREAD =
      "SELECT t.id FROM threads t WHERE " + ThreadRepository.VISIBLE + " AND t.id = $3 FOR NO KEY UPDATE";
  private static final String LIST = "SELECT " + ThreadMessage.COLUMNS + " FROM messages "
      + "WHERE thread_id = $1 AND org_id = $2 AND NOT hidden%s ORDER BY created_at, id LIMIT $3";
  private static final String AFTER = " AND (created_at, id) > "
      + "(SELECT a.created_at, a.id FROM messages a WHERE a.id = $4 AND a.thread_id = $1)";

  private final Pool pool;

  public MessageRepository(Pool pool) {
    this.pool = pool;
  }

  /** Appends a user message to a visible thread (which becomes the most recently active); null if none. */
  public Future<JsonObject> create(UUID orgId, UUID userId, UUID threadId, String content, JsonObject contentJson) {
    return pool.withTransaction(tx -> tx.preparedQuery(LOCK_VISIBLE_THREAD).execute(Tuple.of(orgId, userId, threadId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(null)
            : Conversation.append(tx, orgId, threadId, userId, ThreadMessage.ROLE_USER, content, contentJson, null)
                .map(ThreadMessage::toJson)));
  }

  /**
   * Up to {@code limit} visible messages oldest first, after the message {@code after} when given.
   * The next cursor is the id of the last message returned.
   */
  public Future<ThreadPage> list(UUID orgId, UUID threadId, UUID after, int limit) {
    Tuple params = Tuple.of(threadId, orgId, limit + 1);
    if (after != null) {
      params.addValue(after);
    }
    return pool.preparedQuery(LIST.formatted(after == null ? "" : AFTER)).execute(params).map(rows -> {
      JsonArray items = new JsonArray();
      String next = null;
      for (Row row : rows) {
        if (items.size() == limit) {
          next = items.getJsonObject(limit - 1).getString("id");
          break;
        }
        items.add(ThreadMessage.fromRow(row).toJson());
      }
      return new ThreadPage(items, next);
    });
  }

  /** True when {@code messageId} is a message (hidden or not) of the thread. */
  public Future<Boolean> exists(UUID orgId, UUID threadId, UUID messageId) {
    return pool.preparedQuery("SELECT 1 FROM messages WHERE id = $1 AND thread_id = $2 AND org_id = $3")
        .execute(Tuple.of(messageId, threadId, orgId))
        .map(rows -> rows.size() > 0);
  }
}
