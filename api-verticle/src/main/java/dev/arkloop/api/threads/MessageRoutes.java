package dev.arkloop.api.threads;

import static dev.arkloop.api.http.Permissions.THREADS_READ;
import static dev.arkloop.api.http.Permissions.THREADS_WRITE;

import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Messages of a thread. Creating one is not audited: message text is user data, not a change to the
 * account, and is kept out of the audit log.
 */
public final class MessageRoutes {
  public static final int MAX_CONTENT_CHARS = 20_000;
  /** Room for the structured form of a message of {@link #MAX_CONTENT_CHARS} with its tool parts. */
  public static final int MAX_CONTENT_JSON_BYTES = 256 * 1024;
  public static final String PREV_CURSOR_HEADER = "X-Prev-Cursor";
  private final MessageRepository messages;
  private final ThreadRepository threads;

  public MessageRoutes(MessageRepository messages, ThreadRepository threads) {
    this.messages = messages;
    this.threads = threads;
  }

  public void mount(Routes routes) {
    routes.post("/v1/threads/:thread_id/messages").requires(THREADS_WRITE).status(201).respond(this::create);
    routes.get("/v1/threads/:thread_id/messages").requires(THREADS_READ).respond(this::list);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    UUID threadId = Params.pathId(ctx, "thread_id");
    RequestBody body = RequestBody.of(ctx);
    JsonObject contentJson = body.optionalObject("content_json", MAX_CONTENT_JSON_BYTES);
    String content = body.has("content") || contentJson == null
        ? Fields.length("content", body.string("content"), 1, MAX_CONTENT_CHARS)
        : Fields.length("content_json", textOf(contentJson), 0, MAX_CONTENT_CHARS);
    Principal principal = Principal.of(ctx);
    return messages.create(principal.orgId(), principal.userId(), threadId, content, contentJson)
        .compose(ThreadRoutes::found);
  }

  /**
   * The text parts of a {@code content_json} sent without {@code content} (the original clients send
   * attachments that way), one a line; it must have at least one part.
   */
  private static String textOf(JsonObject contentJson) {
    if (!(contentJson.getValue("parts") instanceof JsonArray parts) || parts.isEmpty()) {
      throw ApiException.invalid("content_json", "content_json needs a non-empty parts array when content is absent");
    }
    StringBuilder text = new StringBuilder();
    for (Object part : parts) {
      if (part instanceof JsonObject object && "text".equals(object.getString("type"))
          && object.getValue("text") instanceof String value) {
        text.append(text.length() == 0 ? "" : "\n").append(value);
      }
    }
    return text.toString();
  }

  /**
   * Query {@code limit} (1-500, default 50) and one cursor: {@code after} (the last message already
   * read: the next ones) or {@code before} (the oldest one shown: the ones before it). Without a
   * cursor, the newest {@code limit} messages, as the original web client loads a chat. Always
   * oldest first; {@code X-Next-Cursor} / {@code X-Prev-Cursor} carry the cursors onward.
   */
  private Future<JsonArray> list(RoutingContext ctx) {
    UUID threadId = Params.pathId(ctx, "thread_id");
    int limit = Params.limit(ctx, 50, 500);
    UUID after = Params.optionalUuid(ctx, "after");
    UUID before = Params.optionalUuid(ctx, "before");
    if (after != null && before != null) {
      throw ApiException.invalid("before", "give after or before, not both");
    }
    UUID cursor = after != null ? after : before;
    Principal principal = Principal.of(ctx);
    return threads.visible(principal.orgId(), principal.userId(), threadId)
        .compose(visible -> !visible ? Future.<MessageRepository.MessagePage>failedFuture(ApiException.notFound("threads"))
            : after != null ? messages.list(principal.orgId(), threadId, after, limit)
            : messages.latest(principal.orgId(), threadId, before, limit))
        .compose(page -> page.items().isEmpty() && cursor != null
            ? messages.exists(principal.orgId(), threadId, cursor).compose(known -> known ? Future.succeededFuture(page)
                : Future.failedFuture(ApiException.invalid(after != null ? "after" : "before",
                    "the cursor is not a message of this thread")))
            : Future.succeededFuture(page))
        .map(page -> {
          if (page.previous() != null) {
            ctx.response().putHeader(PREV_CURSOR_HEADER, page.previous());
          }
          return ThreadRoutes.withNextCursor(ctx, new ThreadPage(page.items(), page.next()));
        });
  }
}
