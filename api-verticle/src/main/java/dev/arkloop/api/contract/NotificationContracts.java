package dev.arkloop.api.contract;

import static dev.arkloop.api.contract.CommonSchemas.limit;
import static dev.arkloop.api.contract.JsonSchema.array;
import static dev.arkloop.api.contract.JsonSchema.bool;
import static dev.arkloop.api.contract.JsonSchema.dateTime;
import static dev.arkloop.api.contract.JsonSchema.enumOf;
import static dev.arkloop.api.contract.JsonSchema.integer;
import static dev.arkloop.api.contract.JsonSchema.object;
import static dev.arkloop.api.contract.JsonSchema.ref;
import static dev.arkloop.api.contract.JsonSchema.string;
import static dev.arkloop.api.contract.JsonSchema.uuid;

import dev.arkloop.common.webhooks.WebhookEvents;

/** The caller's notifications and their stream, platform broadcasts, and webhook endpoints. */
final class NotificationContracts {
  private static final String NEXT = "Cursor of the next (older) page; absent on the last page";

  private NotificationContracts() {}

  /** One notification, as listed and as sent on its stream (also the AsyncAPI message's payload). */
  static JsonSchema notification() {
    return object()
        .required("id", uuid()).required("user_id", uuid()).property("org_id", uuid().nullable())
        .required("type", string()).required("title", string()).property("body", string().nullable())
        .property("payload", object().nullable()).property("read_at", dateTime().nullable())
        .required("created_at", dateTime());
  }

  static void declare(ContractRegistry r) {
    notifications(r);
    broadcasts(r);
    webhooks(r);
  }

  private static void notifications(ContractRegistry r) {
    r.schema("Notification", notification());
    r.declare("GET", "/v1/notifications", "The caller's notifications, newest first")
        .query("unread_only", bool().defaultValue(false), "Only unread ones")
        .query("type", string(), "Only this type")
        .query("limit", limit(200), "Page size")
        .query("before", string(), "Cursor from X-Next-Cursor")
        .query("cursor", string(), "Alias of before")
        .query("before_created_at", dateTime(), "With before_id, an explicit cursor")
        .query("before_id", uuid(), "With before_created_at, an explicit cursor")
        .returns(object().required("data", array(ref("Notification"))))
        .responseHeader("X-Next-Cursor", NEXT);
    r.declare("PATCH", "/v1/notifications", "Mark every notification of the caller read")
        .operationId("notifications.mark_all_read")
        .returns(object().required("ok", bool()).required("count", integer().minimum(0)));
    r.declare("GET", "/v1/notifications/unread-count", "How many notifications the caller has not read")
        .operationId("notifications.unread_count")
        .returns(object().required("count", integer().minimum(0)));
    r.declare("GET", "/v1/notifications/events", "Stream the caller's notifications (Server-Sent Events)")
        .operationId("notifications.events.stream")
        .description("Sends the notifications after `Last-Event-ID` (a notification id), then new ones as they "
            + "arrive. Each frame is `id: <notification id>` and `data: <notification JSON>`; `: ping` "
            + "comments keep the connection alive. Described in the AsyncAPI document at `/v1/asyncapi.json`.")
        .header("Last-Event-ID", uuid(), "Resume after this notification")
        .returns("text/event-stream", string().description("SSE frames, one notification each"));
    r.declare("PATCH", "/v1/notifications/{notification_id}", "Mark one notification read")
        .operationId("notifications.mark_read")
        .returns(ref("Ok"))
        .errors(404, "not_found");
  }

  private static void broadcasts(ContractRegistry r) {
    String base = "/v1/admin/notifications/broadcasts";
    JsonSchema broadcast = object()
        .required("id", uuid()).required("type", string()).required("title", string())
        .property("body", string()).property("target_type", string()).property("target_id", uuid().nullable())
        .property("payload", object().nullable()).required("status", string())
        .property("sent_count", integer().nullable()).property("error", string().nullable())
        .property("created_by", uuid().nullable()).property("created_at", dateTime())
        .property("completed_at", dateTime().nullable());
    r.schema("Broadcast", broadcast);
    r.declare("POST", base, "Send a notification to every user, or to the members of one account")
        .description("Accepted: the fan-out runs as a job; the broadcast's status tells its progress.")
        .body(object()
            .required("type", string().length(1, 100))
            .required("title", string().length(1, 200))
            .required("body", string().length(1, 10_000))
            .property("payload", object().description("At most 16 KiB of JSON"))
            .required("target", string().description("\"all\" or an account id")))
        .returns(ref("Broadcast"));
    r.declare("GET", base, "Broadcasts, newest first")
        .query("limit", limit(200), "Page size")
        .query("before", string(), "Cursor from X-Next-Cursor")
        .query("cursor", string(), "Alias of before")
        .query("before_created_at", dateTime(), "With before_id, an explicit cursor")
        .query("before_id", uuid(), "With before_created_at, an explicit cursor")
        .returns(array(ref("Broadcast")))
        .responseHeader("X-Next-Cursor", NEXT);
    r.declare("GET", base + "/{broadcast_id}", "Get a broadcast")
        .returns(ref("Broadcast")).errors(404, "broadcasts.not_found");
    r.declare("DELETE", base + "/{broadcast_id}", "Delete a broadcast (notifications already sent stay)")
        .errors(404, "broadcasts.not_found");
  }

  private static void webhooks(ContractRegistry r) {
    String base = "/v1/webhook-endpoints";
    String item = base + "/{endpoint_id}";
    JsonSchema events = array(enumOf(WebhookEvents.SUBSCRIBABLE.toArray(String[]::new))).with("minItems", 1);
    r.schema("WebhookEndpoint", object()
        .required("id", uuid()).required("org_id", uuid()).required("url", string())
        .required("events", array(string())).required("enabled", bool())
        .property("disabled_reason", string().nullable())
        .property("created_at", dateTime()).property("updated_at", dateTime().nullable())
        .property("secret", string().description("Signing secret: only in the answers to creation and rotation")));
    r.declare("POST", base, "Register a webhook endpoint (its signing secret is shown once)")
        .body(object()
            .required("url", string().length(1, 2048).description("http(s) URL; private addresses are refused"))
            .required("events", events))
        .returns(ref("WebhookEndpoint"))
        .errors(503, "secrets.not_configured");
    r.declare("GET", base, "The account's webhook endpoints").returns(array(ref("WebhookEndpoint")));
    r.declare("GET", item, "Get a webhook endpoint")
        .returns(ref("WebhookEndpoint")).errors(404, "webhooks.not_found");
    JsonSchema enable = object().required("enabled", bool());
    r.declare("PATCH", item, "Enable or disable a webhook endpoint")
        .body(enable).returns(ref("WebhookEndpoint")).errors(404, "webhooks.not_found");
    r.declare("PUT", item, "Same as PATCH")
        .body(enable).returns(ref("WebhookEndpoint")).errors(404, "webhooks.not_found");
    r.declare("DELETE", item, "Delete a webhook endpoint")
        .returns(ref("Ok")).errors(404, "webhooks.not_found");
    r.declare("POST", item + "/rotate-secret", "Replace the signing secret (the previous one stays valid a while)")
        .returns(object().required("id", uuid()).required("secret", string().description("The new secret, shown once"))
            .property("previous_secret_expires_at", dateTime().nullable()
                .description("Until then deliveries are also signed with the previous secret")))
        .errors(404, "webhooks.not_found")
        .errors(503, "secrets.not_configured");
    JsonSchema delivery = object()
        .required("id", uuid()).required("endpoint_id", uuid()).required("event_type", string())
        .required("status", string()).property("attempts", integer().minimum(0))
        .property("last_response_status", integer().nullable()).property("last_response_body", string().nullable())
        .property("last_error", string().nullable()).property("last_duration_ms", integer().nullable())
        .property("last_attempt_at", dateTime().nullable()).property("next_attempt_at", dateTime().nullable())
        .property("delivered_at", dateTime().nullable()).property("created_at", dateTime());
    r.declare("GET", item + "/deliveries", "Deliveries to an endpoint, newest first")
        .query("limit", limit(200), "Page size")
        .query("before", string(), "Cursor from next_before / X-Next-Cursor")
        .query("cursor", string(), "Alias of before")
        .query("before_created_at", dateTime(), "With before_id, an explicit cursor")
        .query("before_id", uuid(), "With before_created_at, an explicit cursor")
        .returns(object().required("data", array(delivery)).required("has_more", bool())
            .property("next_before", string()))
        .responseHeader("X-Next-Cursor", NEXT)
        .errors(404, "webhooks.not_found");
    r.declare("POST", item + "/deliveries/{delivery_id}/redeliver", "Deliver an event again")
        .returns(object().required("ok", bool()).required("delivery_id", uuid()))
        .errors(404, "webhooks.not_found", "webhook_deliveries.not_found");
    r.declare("POST", item + "/ping", "Send a signed ping event now and report what the endpoint answered")
        .returns(object().required("delivery_id", uuid()).required("delivered", bool())
            .property("response_status", integer().nullable()).property("duration_ms", integer().nullable())
            .property("error", string().nullable()))
        .errors(404, "webhooks.not_found")
        .errors(503, "secrets.not_configured");
  }
}
