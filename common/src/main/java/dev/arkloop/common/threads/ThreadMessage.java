package dev.arkloop.common.threads;

import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.json.JsonLimits;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * One message of a thread. {@code createdByUserId} is null for assistant messages; {@code contentJson}
 * is the structured form (see {@link ContentParts}) an agent loop rebuilds a conversation from.
 */
public record ThreadMessage(
    UUID id,
    UUID orgId,
    UUID threadId,
    UUID createdByUserId,
    String role,
    String content,
    JsonObject contentJson,
    UUID runId,
    OffsetDateTime createdAt) {

  public static final String ROLE_USER = "user";
  public static final String ROLE_ASSISTANT = "assistant";

  /** The columns {@link #fromRow} reads, in the API's order. */
  public static final String COLUMNS =
      "id, org_id, thread_id, created_by_user_id, role, content, content_json, run_id, created_at";

  public static ThreadMessage fromRow(Row row) {
    Object json = row.getValue("content_json");
    return new ThreadMessage(row.getUUID("id"), row.getUUID("org_id"), row.getUUID("thread_id"),
        row.getUUID("created_by_user_id"), row.getString("role"), row.getString("content"),
        json instanceof JsonObject object ? JsonLimits.readable(object, "content_json") : null, row.getUUID("run_id"),
        row.getOffsetDateTime("created_at"));
  }

  /** The API's Message JSON. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", id.toString())
        .put("org_id", orgId.toString())
        .put("thread_id", threadId.toString())
        .put("created_by_user_id", createdByUserId == null ? null : createdByUserId.toString())
        .put("role", role)
        .put("content", content)
        .put("content_json", contentJson)
        .put("run_id", runId == null ? null : runId.toString())
        .put("created_at", RowJson.timestamp(createdAt));
  }
}
