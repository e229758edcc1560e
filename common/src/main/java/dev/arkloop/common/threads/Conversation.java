package dev.arkloop.common.threads;

import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A thread's conversation as an agent loop sees it, on any {@link SqlClient} (a pool, or the
 * connection of a transaction): the run worker reads the visible history, and writes the final
 * assistant message in the same transaction as the run's terminal event.
 */
public final class Conversation {
  /** Thread activity is kept at millisecond precision, like every timestamp the API shows. */
  public static final String NOW_MS = "date_trunc('milliseconds', clock_timestamp())";

  private static final String INSERT = insertFrom("SELECT $1, $2, $3, $4, $5, $6, $7, $8 "
      + "WHERE EXISTS (SELECT 1 FROM threads WHERE id = $3 AND org_id = $2)") + " RETURNING " + ThreadMessage.COLUMNS;

  private Conversation() {}

  /**
   * An insert of messages whose values {@code select} yields, in the order id, org_id, thread_id,
   * created_by_user_id, role, content, content_json ({@link #structured}), run_id: for a statement
   * that writes more than the message (a run's end). Whoever uses it also bumps the thread's {@code
   * updated_at} to {@link #NOW_MS}, as {@link #append} does.
   */
  public static String insertFrom(String select) {
    return "INSERT INTO messages (id, org_id, thread_id, created_by_user_id, role, content, content_json, run_id) "
        + select;
  }

  /** A message's stored parts: {@code contentJson}, or {@code content} as one text part when it is null. */
  public static JsonObject structured(String content, JsonObject contentJson) {
    return contentJson == null ? ContentParts.ofText(content) : contentJson;
  }

  /** The visible (not hidden) messages of a thread, oldest first; empty for a thread of another org. */
  public static Future<List<ThreadMessage>> visibleMessages(SqlClient client, UUID orgId, UUID threadId) {
    return client.preparedQuery("SELECT " + ThreadMessage.COLUMNS + " FROM messages "
            + "WHERE thread_id = $1 AND org_id = $2 AND NOT hidden ORDER BY created_at, id")
        .execute(Tuple.of(threadId, orgId))
        .map(rows -> {
          List<ThreadMessage> messages = new ArrayList<>(rows.size());
          for (Row row : rows) {
            messages.add(ThreadMessage.fromRow(row));
          }
          return messages;
        });
  }

  /**
   * Appends the assistant's message of a run and marks the thread active. {@code contentJson} null
   * stores {@code content} as one text part. Fails when the thread is not one of {@code orgId}.
   */
  public static Future<ThreadMessage> appendAssistantMessage(SqlClient tx, UUID orgId, UUID threadId, UUID runId,
      String content, JsonObject contentJson) {
    return append(tx, orgId, threadId, null, ThreadMessage.ROLE_ASSISTANT, content, contentJson, runId);
  }

  /** Appends a message of any role and bumps the thread's {@code updated_at}. */
  public static Future<ThreadMessage> append(SqlClient tx, UUID orgId, UUID threadId, UUID userId, String role,
      String content, JsonObject contentJson, UUID runId) {
    JsonObject structured = structured(content, contentJson);
    return tx.preparedQuery(INSERT)
        .execute(Tuple.of(Ids.newId(), orgId, threadId, userId, role, content, structured, runId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new IllegalStateException("thread " + threadId + " is not in org " + orgId));
          }
          ThreadMessage message = ThreadMessage.fromRow(rows.iterator().next());
          return touchThread(tx, orgId, threadId).map(message);
        });
  }

  /** Marks the thread as just active: it moves to the top of its creator's thread list. */
  public static Future<Boolean> touchThread(SqlClient client, UUID orgId, UUID threadId) {
    return client.preparedQuery("UPDATE threads SET updated_at = " + NOW_MS + " WHERE id = $1 AND org_id = $2")
        .execute(Tuple.of(threadId, orgId))
        .map(rows -> rows.rowCount() > 0);
  }

  /** Hides a message (retry replaces an answer); false when there was no such visible message. */
  public static Future<Boolean> hideMessage(SqlClient client, UUID orgId, UUID messageId) {
    return client.preparedQuery("UPDATE messages SET hidden = true WHERE id = $1 AND org_id = $2 AND NOT hidden")
        .execute(Tuple.of(messageId, orgId))
        .map(rows -> rows.rowCount() > 0);
  }
}
