package dev.arkloop.api.threads;

import dev.arkloop.common.threads.Conversation;
import dev.arkloop.common.threads.ThreadMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.Map;
import java.util.UUID;

/** Messages of threads the caller may see; hidden messages are never listed. */
public final class MessageRepository {
  // The lock the activity bump needs anyway, taken first: concurrent posts to one thread queue up
  // instead of deadlocking on a shared lock each wants to upgrade.
  private static final String LOCK_VISIBLE_THREAD =
      "SELECT t.id FROM threads t WHERE " + ThreadRepository.VISIBLE + " AND t.id = #{thread_id} FOR NO KEY UPDATE";
  private static final String LIST = "SELECT " + ThreadMessage.COLUMNS + " FROM messages "
      + "WHERE thread_id = $1 AND org_id = $2 AND NOT hidden%s ORDER BY created_at %s, id %<s LIMIT $3";
  private static final String AFTER = " AND (created_at, id) > "
      + "(SELECT a.created_at, a.id FROM messages a WHERE a.id = $4 AND a.thread_id = $1)";
  private static final String BEFORE = " AND (created_at, id) < "
      + "(SELECT b.created_at, b.id FROM messages b WHERE b.id = $4 AND b.thread_id = $1)";

  /**
   * A page of messages, oldest first: {@code next} pages forward ({@code after}), {@code previous}
   * back ({@code before}); null when there is nothing that way (or it is not known from this page).
   */
  public record MessagePage(JsonArray items, String next, String previous) {}

  private final Pool pool;

  public MessageRepository(Pool pool) {
    this.pool = pool;
  }

  /** Appends a user message to a visible thread (which becomes the most recently active); null if none. */
  public Future<JsonObject> create(UUID orgId, UUID userId, UUID threadId, String content, JsonObject contentJson) {
    return pool.withTransaction(tx -> SqlTemplate.forQuery(tx, LOCK_VISIBLE_THREAD)
            .execute(Map.of("org_id", orgId, "user_id", userId, "thread_id", threadId))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture(null)
            : Conversation.append(tx, orgId, threadId, userId, ThreadMessage.ROLE_USER, content, contentJson, null)
                .map(ThreadMessage::toJson)));
  }

  /**
   * Up to {@code limit} visible messages oldest first, after the message {@code after} when given.
   * The next cursor is the id of the last message returned.
   */
  public Future<MessagePage> list(UUID orgId, UUID threadId, UUID after, int limit) {
    return pool.preparedQuery(LIST.formatted(AFTER, "ASC")).execute(Tuple.of(threadId, orgId, limit + 1, after))
        .map(rows -> {
          JsonArray items = new JsonArray();
          String next = null;
          for (Row row : rows) {
            if (items.size() == limit) {
              next = items.getJsonObject(limit - 1).getString("id");
              break;
            }
            items.add(ThreadMessage.fromRow(row).toJson());
          }
          return new MessagePage(items, next, null);
        });
  }

  /**
   * The newest {@code limit} visible messages (older than {@code before} when given), oldest first:
   * a chat shows its latest messages and scrolls back. {@code previous} is set when older ones exist.
   */
  public Future<MessagePage> latest(UUID orgId, UUID threadId, UUID before, int limit) {
    Tuple params = Tuple.of(threadId, orgId, limit + 1);
    if (before != null) {
      params.addValue(before);
    }
    return pool.preparedQuery(LIST.formatted(before == null ? "" : BEFORE, "DESC")).execute(params).map(rows -> {
      java.util.ArrayList<JsonObject> newestFirst = new java.util.ArrayList<>();
      boolean older = false;
      for (Row row : rows) {
        if (newestFirst.size() == limit) {
          older = true;
          break;
        }
        newestFirst.add(ThreadMessage.fromRow(row).toJson());
      }
      JsonArray items = new JsonArray();
      for (int i = newestFirst.size() - 1; i >= 0; i--) {
        items.add(newestFirst.get(i));
      }
      return new MessagePage(items, null, older ? items.getJsonObject(0).getString("id") : null);
    });
  }

  /** True when {@code messageId} is a message (hidden or not) of the thread. */
  public Future<Boolean> exists(UUID orgId, UUID threadId, UUID messageId) {
    return pool.preparedQuery("SELECT 1 FROM messages WHERE id = $1 AND thread_id = $2 AND org_id = $3")
        .execute(Tuple.of(messageId, threadId, orgId))
        .map(rows -> rows.size() > 0);
  }
}
