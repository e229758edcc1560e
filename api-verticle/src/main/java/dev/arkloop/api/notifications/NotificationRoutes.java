package dev.arkloop.api.notifications;

import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.threads.ThreadCursor;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;

/** The caller's own notifications: list, mark read, unread count, and the live stream. Any signed-in user. */
final class NotificationRoutes {
  private final NotificationRepository notifications;
  private final NotificationHub hub;
  private final int batchLimit;
  private final int heartbeatSeconds;

  NotificationRoutes(NotificationRepository notifications, NotificationHub hub, int batchLimit,
      int heartbeatSeconds) {
    this.notifications = notifications;
    this.hub = hub;
    this.batchLimit = batchLimit;
    this.heartbeatSeconds = heartbeatSeconds;
  }

  /**
   * A caller's notifications are addressed to the caller, so any credential of theirs may read them,
   * as it may read {@code /v1/me}; marking them read changes the user's state and takes a session.
   */
  void mount(Routes routes) {
    routes.get("/v1/notifications").anyCaller().respond(this::list);
    routes.patch("/v1/notifications").sessionOnly().respond(ctx -> notifications.markAllRead(userId(ctx))
        .map(count -> new JsonObject().put("ok", true).put("count", count)));
    routes.get("/v1/notifications/unread-count").anyCaller().respond(ctx -> notifications.unreadCount(userId(ctx))
        .map(count -> new JsonObject().put("count", count)));
    routes.get("/v1/notifications/events").anyCaller().handler(this::events);
    routes.patch("/v1/notifications/:notification_id").sessionOnly().respond(this::markRead);
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    boolean unreadOnly = Params.bool(ctx, "unread_only", false);
    String type = Params.query(ctx, "type");
    int limit = Params.limit(ctx, 50, 200);
    ThreadCursor before = ThreadCursor.fromRequest(ctx, "before_created_at");
    return notifications.list(userId(ctx), unreadOnly, type, before, limit).map(entries -> {
      List<NotificationRepository.Entry> page = entries.size() > limit ? entries.subList(0, limit) : entries;
      if (entries.size() > limit) {
        ctx.response().putHeader("X-Next-Cursor", page.get(page.size() - 1).position().encode());
      }
      JsonArray data = new JsonArray();
      page.forEach(entry -> data.add(entry.json()));
      return new JsonObject().put("data", data);
    });
  }

  private Future<JsonObject> markRead(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "notification_id");
    return notifications.markRead(userId(ctx), id).map(marked -> {
      if (!marked) {
        throw new ApiException(404, "not_found", "notification not found or already read");
      }
      return new JsonObject().put("ok", true);
    });
  }

  private void events(RoutingContext ctx) {
    UUID userId = userId(ctx);
    String lastEventId = ctx.request().getHeader("Last-Event-ID");
    if (lastEventId == null || lastEventId.isBlank()) {
      new NotificationStream(ctx.response(), hub, notifications, userId, batchLimit, heartbeatSeconds).start(null);
      return;
    }
    UUID lastId = Ids.parseUuid(lastEventId.trim());
    if (lastId == null) {
      ctx.fail(ApiException.invalid("Last-Event-ID", "Last-Event-ID must be a notification id"));
      return;
    }
    notifications.position(userId, lastId)
        .onFailure(ctx::fail)
        .onSuccess(position -> new NotificationStream(ctx.response(), hub, notifications, userId, batchLimit,
            heartbeatSeconds).start(position));
  }

  private static UUID userId(RoutingContext ctx) {
    return Principal.of(ctx).userId();
  }
}
