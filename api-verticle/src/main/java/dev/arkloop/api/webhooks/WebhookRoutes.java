package dev.arkloop.api.webhooks;

import static dev.arkloop.api.http.Permissions.WEBHOOKS_MANAGE;

import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.threads.ThreadCursor;
import dev.arkloop.common.bus.Addresses;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.webhooks.WebhookAddresses;
import dev.arkloop.common.webhooks.WebhookEvents;
import dev.arkloop.common.webhooks.WebhookSender;
import dev.arkloop.common.webhooks.WebhookSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.UUID;

/** Webhook endpoints of the caller's account, their delivery log, redelivery and ping. */
public final class WebhookRoutes implements Resource {
  private static final String BASE = "/v1/webhook-endpoints";
  private final Vertx vertx;
  private final WebhookRepository endpoints;
  private final WebhookAddresses addresses;
  private final WebhookSender sender;
  private final SecretBox secrets;

  public WebhookRoutes(Vertx vertx, WebhookRepository endpoints, WebhookAddresses addresses, WebhookSender sender,
      SecretBox secrets) {
    this.vertx = vertx;
    this.endpoints = endpoints;
    this.addresses = addresses;
    this.sender = sender;
    this.secrets = secrets;
  }

  @Override
  public void mount(Routes routes) {
    routes.post(BASE).requires(WEBHOOKS_MANAGE).status(201).audit("webhook_endpoint.create").respond(this::create);
    routes.get(BASE).requires(WEBHOOKS_MANAGE).respond(ctx -> endpoints.list(orgId(ctx)));
    routes.get(BASE + "/:endpoint_id").requires(WEBHOOKS_MANAGE).respond(ctx ->
        endpoints.get(orgId(ctx), Params.pathId(ctx, "endpoint_id")).map(WebhookRoutes::found));
    routes.patch(BASE + "/:endpoint_id").requires(WEBHOOKS_MANAGE).audit("webhook_endpoint.update")
        .respond(this::update);
    routes.put(BASE + "/:endpoint_id").requires(WEBHOOKS_MANAGE).audit("webhook_endpoint.update")
        .respond(this::update);
    routes.delete(BASE + "/:endpoint_id").requires(WEBHOOKS_MANAGE).audit("webhook_endpoint.delete")
        .respond(ctx -> endpoints.delete(orgId(ctx), Params.pathId(ctx, "endpoint_id")).map(deleted -> {
          if (!deleted) {
            throw ApiException.notFound("webhooks");
          }
          return new JsonObject().put("ok", true);
        }));
    routes.post(BASE + "/:endpoint_id/rotate-secret").requires(WEBHOOKS_MANAGE).audit("webhook_endpoint.rotate_secret")
        .respond(this::rotate);
    routes.get(BASE + "/:endpoint_id/deliveries").requires(WEBHOOKS_MANAGE).respond(this::deliveries);
    routes.post(BASE + "/:endpoint_id/deliveries/:delivery_id/redeliver").requires(WEBHOOKS_MANAGE)
        .audit("webhook_delivery.redeliver").respond(this::redeliver);
    routes.post(BASE + "/:endpoint_id/ping").requires(WEBHOOKS_MANAGE).respond(this::ping);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String url = body.string("url");
    List<String> events = events(body.optionalStringList("events"));
    URI uri;
    try {
      uri = WebhookAddresses.parse(url);
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("url", e.getMessage());
    }
    SecretBox box = box();
    Principal principal = Principal.of(ctx);
    String secret = WebhookSignature.newSecret();
    return allowed(uri)
        .compose(ok -> vertx.executeBlocking(() -> box.seal(secret), false))
        .compose(sealed -> endpoints.create(principal.orgId(), uri.toString(), events, sealed, principal.userId()))
        .map(created -> created.put("secret", secret));
  }

  /** 400 for a URL the policy refuses now; a host that does not resolve yet is accepted (delivery checks again). */
  private Future<Void> allowed(URI uri) {
    return addresses.resolve(uri).<Void>mapEmpty().recover(e -> e instanceof WebhookAddresses.Refused refused
        && refused.unresolved() ? Future.succeededFuture() : Future.failedFuture(ApiException.invalid("url",
        "url must not point at a private, loopback or link-local address")));
  }

  private static List<String> events(List<String> events) {
    if (events == null || events.isEmpty()) {
      throw ApiException.unparseable("events", "events must be a non-empty list of "
          + String.join(", ", WebhookEvents.SUBSCRIBABLE));
    }
    for (String event : events) {
      if (!WebhookEvents.SUBSCRIBABLE.contains(event)) {
        throw ApiException.unparseable("events", "unknown event " + event + "; events are "
            + String.join(", ", WebhookEvents.SUBSCRIBABLE));
      }
    }
    return new ArrayList<>(new LinkedHashSet<>(events));
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    Boolean enabled = body.optionalBoolean("enabled");
    if (enabled == null) {
      throw ApiException.invalid("enabled", "enabled is required");
    }
    return endpoints.setEnabled(orgId(ctx), Params.pathId(ctx, "endpoint_id"), enabled).map(WebhookRoutes::found);
  }

  private Future<JsonObject> rotate(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "endpoint_id");
    SecretBox box = box();
    String secret = WebhookSignature.newSecret();
    return vertx.executeBlocking(() -> box.seal(secret), false)
        .compose(sealed -> endpoints.rotate(orgId(ctx), id, sealed))
        .map(rotated -> found(rotated).put("secret", secret));
  }

  private Future<JsonObject> deliveries(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "endpoint_id");
    int limit = Params.limit(ctx, 50, 200);
    ThreadCursor before = ThreadCursor.fromRequest(ctx, "before_created_at");
    UUID orgId = orgId(ctx);
    return endpoints.get(orgId, id).map(WebhookRoutes::found)
        .compose(endpoint -> endpoints.deliveries(orgId, id, before, limit))
        .map(found -> {
          List<WebhookRepository.Delivery> page = found.size() > limit ? found.subList(0, limit) : found;
          JsonObject response = new JsonObject().put("data", new JsonArray(page.stream()
              .map(WebhookRepository.Delivery::json).toList())).put("has_more", found.size() > limit);
          if (found.size() > limit) {
            String next = page.get(page.size() - 1).position().encode();
            ctx.response().putHeader("X-Next-Cursor", next);
            response.put("next_before", next);
          }
          return response;
        });
  }

  private Future<JsonObject> redeliver(RoutingContext ctx) {
    UUID endpointId = Params.pathId(ctx, "endpoint_id");
    UUID deliveryId = Params.pathId(ctx, "delivery_id");
    return endpoints.redeliver(orgId(ctx), endpointId, deliveryId).map(jobId -> {
      if (jobId == null) {
        throw ApiException.notFound("webhook_deliveries");
      }
      vertx.eventBus().send(Addresses.jobWake(WebhookEvents.JOB_TYPE), new JsonObject().put("job_id", jobId.toString()));
      return new JsonObject().put("ok", true).put("delivery_id", deliveryId.toString());
    });
  }

  /** Sends a {@code ping} now, from this node, and answers with what the receiver said. */
  private Future<JsonObject> ping(RoutingContext ctx) {
    UUID orgId = orgId(ctx);
    UUID endpointId = Params.pathId(ctx, "endpoint_id");
    SecretBox box = box();
    UUID deliveryId = Ids.newId();
    JsonObject data = new JsonObject().put("endpoint_id", endpointId.toString());
    String body = new JsonObject().put("id", deliveryId.toString()).put("type", WebhookEvents.PING)
        .put("created_at", Instant.now().toString()).put("data", data).encode();
    return endpoints.signing(orgId, endpointId).compose(signing -> {
      if (signing == null) {
        return Future.failedFuture(ApiException.notFound("webhooks"));
      }
      return vertx.executeBlocking(() -> openAll(box, signing), false)
          .compose(keys -> sender.send(signing.url(), WebhookEvents.PING, deliveryId, body, keys))
          .compose(attempt -> endpoints.recordPing(orgId, endpointId, deliveryId, data, attempt.delivered(),
                  attempt.status(), attempt.body(), attempt.error(), attempt.durationMs())
              .map(v -> new JsonObject().put("delivery_id", deliveryId.toString())
                  .put("delivered", attempt.delivered()).put("response_status", attempt.status())
                  .put("duration_ms", attempt.durationMs()).put("error", attempt.error())));
    });
  }

  private static List<String> openAll(SecretBox box, WebhookRepository.Signing signing) {
    List<String> keys = new ArrayList<>(List.of(box.open(signing.secret())));
    if (signing.previousSecret() != null) {
      keys.add(box.open(signing.previousSecret()));
    }
    return keys;
  }

  private SecretBox box() {
    if (secrets == null) {
      throw new ApiException(503, "secrets.not_configured", "ARKLOOP_ENCRYPTION_KEY is not set");
    }
    return secrets;
  }

  private static UUID orgId(RoutingContext ctx) {
    return Principal.of(ctx).orgId();
  }

  private static JsonObject found(JsonObject endpoint) {
    if (endpoint == null) {
      throw ApiException.notFound("webhooks");
    }
    return endpoint;
  }
}
