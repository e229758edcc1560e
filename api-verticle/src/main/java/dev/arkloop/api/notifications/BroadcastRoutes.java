package dev.arkloop.api.notifications;

import static dev.arkloop.api.http.Permissions.PLATFORM_ADMIN;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.threads.ThreadCursor;
import dev.arkloop.common.bus.Addresses;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.notifications.Broadcasts;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/** Platform broadcasts: created pending (202), fanned out by a durable job, listed, soft-deleted. */
final class BroadcastRoutes {
  static final int MAX_PAYLOAD_BYTES = 16 * 1024;
  private static final String BASE = "/v1/admin/notifications/broadcasts";
  private final Vertx vertx;
  private final BroadcastRepository broadcasts;

  BroadcastRoutes(Vertx vertx, BroadcastRepository broadcasts) {
    this.vertx = vertx;
    this.broadcasts = broadcasts;
  }

  void mount(Routes routes) {
    routes.post(BASE).requires(PLATFORM_ADMIN).status(202).audit("notification_broadcast.create")
        .respond(this::create);
    routes.get(BASE).requires(PLATFORM_ADMIN).respond(this::list);
    routes.get(BASE + "/:broadcast_id").requires(PLATFORM_ADMIN).respond(ctx ->
        broadcasts.get(Params.pathId(ctx, "broadcast_id")).map(BroadcastRoutes::found));
    routes.delete(BASE + "/:broadcast_id").requires(PLATFORM_ADMIN).audit("notification_broadcast.delete")
        .respond(ctx -> broadcasts.delete(Params.pathId(ctx, "broadcast_id")).map(deleted -> {
          if (!deleted) {
            throw ApiException.notFound("broadcasts");
          }
          return null;
        }));
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String type = Fields.length("type", body.string("type"), 1, 100);
    String title = Fields.length("title", body.string("title"), 1, 200);
    String text = Fields.length("body", body.string("body"), 1, 10_000);
    JsonObject payload = payload(body.optionalObject("payload"));
    String target = body.string("target");
    UUID targetOrg = target.equals("all") ? null : Ids.parseUuid(target);
    if (!target.equals("all") && targetOrg == null) {
      throw ApiException.invalid("target", "target must be \"all\" or an account id");
    }
    UUID createdBy = Principal.of(ctx).userId();
    Future<Boolean> targetExists = targetOrg == null ? Future.succeededFuture(true)
        : broadcasts.accountExists(targetOrg);
    return targetExists.compose(exists -> {
      if (!exists) {
        return Future.failedFuture(ApiException.invalid("target", "target account does not exist"));
      }
      return broadcasts.create(type, title, text, payload, targetOrg, createdBy);
    }).map(created -> {
      vertx.eventBus().send(Addresses.jobWake(Broadcasts.JOB_TYPE),
          new JsonObject().put("job_id", created.jobId().toString()));
      return created.broadcast();
    });
  }

  static JsonObject payload(JsonObject payload) {
    if (payload == null) {
      return new JsonObject();
    }
    if (payload.encode().getBytes(StandardCharsets.UTF_8).length > MAX_PAYLOAD_BYTES) {
      throw ApiException.invalid("payload", "payload must be at most " + MAX_PAYLOAD_BYTES + " bytes of JSON");
    }
    return payload;
  }

  private Future<JsonArray> list(RoutingContext ctx) {
    int limit = Params.limit(ctx, 50, 200);
    ThreadCursor before = ThreadCursor.fromRequest(ctx, "before_created_at");
    return broadcasts.list(before, limit).map(entries -> {
      List<BroadcastRepository.Entry> page = entries.size() > limit ? entries.subList(0, limit) : entries;
      if (entries.size() > limit) {
        ctx.response().putHeader("X-Next-Cursor", page.get(page.size() - 1).position().encode());
      }
      JsonArray data = new JsonArray();
      page.forEach(entry -> data.add(entry.json()));
      return data;
    });
  }

  private static JsonObject found(JsonObject broadcast) {
    if (broadcast == null) {
      throw ApiException.notFound("broadcasts");
    }
    return broadcast;
  }
}
