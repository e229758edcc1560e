package dev.arkloop.api.contract;

import static dev.arkloop.api.contract.JsonSchema.bool;
import static dev.arkloop.api.contract.JsonSchema.integer;
import static dev.arkloop.api.contract.JsonSchema.number;
import static dev.arkloop.api.contract.JsonSchema.object;
import static dev.arkloop.api.contract.JsonSchema.string;

import dev.arkloop.common.runs.EventTypes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The AsyncAPI 3 document of the run event stream: the frame format, the resume rules, and one
 * message per event type with the payload the worker (or the API) writes in {@code data}.
 */
public final class AsyncApiDocument {
  /** Known {@code run.failed} error classes; the prefix (provider, tool, budget, policy, mcp, internal) is stable. */
  public static final List<String> ERROR_CLASSES = List.of("provider.auth", "provider.bad_request", "provider.error",
      "provider.protocol_error", "provider.rate_limited", "provider.timeout", "provider.unavailable",
      "tool.not_configured", "tool.error", "tool.timeout", "budget.reasoning_iterations",
      "policy.route_not_found", "policy.persona_not_found", "policy.executor_unsupported", "policy.tool_denied",
      "mcp.timeout", "mcp.disconnected", "mcp.rpc_error", "mcp.protocol_error", "mcp.tool_error",
      "internal.error", "internal.worker_lost", "timeout");

  private AsyncApiDocument() {}

  /** The {@code data} payload of each event type. Payloads allow fields added later. */
  public static Map<String, JsonSchema> payloads() {
    Map<String, JsonSchema> p = new LinkedHashMap<>();
    JsonSchema optionalString = string().nullable();
    p.put(EventTypes.STARTED, object().description("The accepted create options; written by the API at seq 1")
        .property("route_id", string()).property("persona_id", string()).property("model", string())
        .property("reasoning_mode", string()).property("work_dir", string())
        .property("output_route_id", string()).property("output_model_key", string()));
    p.put(EventTypes.ROUTE_SELECTED, object().required("route_id", optionalString).property("provider", optionalString)
        .required("model", optionalString));
    p.put(EventTypes.SEGMENT_START, segment());
    p.put(EventTypes.SEGMENT_END, segment());
    p.put(EventTypes.MESSAGE_DELTA, object()
        .required("content_delta", string())
        .required("role", JsonSchema.enumOf("assistant"))
        .property("channel", JsonSchema.enumOf("thinking").description("Absent for the answer; thinking for reasoning")));
    p.put(EventTypes.TOOL_CALL, object().required("tool_call_id", string()).required("tool_name", string())
        .required("arguments", object()));
    p.put(EventTypes.TOOL_RESULT, object().required("tool_call_id", string()).required("tool_name", string())
        .property("result", JsonSchema.any()).property("error", object().property("error_class", string())
            .property("message", string())));
    p.put(EventTypes.TOOL_DENIED, object().required("tool_call_id", string()).required("tool_name", string())
        .required("reason", string()));
    p.put(EventTypes.INPUT_REQUESTED, object()
        .description("The original clients' form of the question, written just before run.waiting_for_input")
        .required("request_id", string().description("Answer with POST /v1/runs/{run_id}/input {request_id}"))
        .property("message", optionalString)
        .property("requestedSchema", object().description("JSON Schema of the expected answer, when known")));
    p.put(EventTypes.WAITING_FOR_INPUT, object().description("The run waits for POST /v1/runs/{run_id}/input")
        .property("prompt", string()).required("input_key", string()).property("tool_call_id", string())
        .property("kind", string()).property("tool_name", string()).property("arguments", object()));
    p.put(EventTypes.INPUT_PROVIDED, object().required("content", string()).property("input_key", optionalString)
        .property("trace_id", optionalString));
    p.put(EventTypes.CANCEL_REQUESTED, object().description("Who asked to stop the run, and in which request")
        .required("trace_id", optionalString).required("requested_by_user_id", optionalString));
    p.put(EventTypes.CANCELLED, object());
    p.put(EventTypes.COMPLETED, object().property("usage", object()
        .property("input_tokens", integer()).property("output_tokens", integer()).property("cost_usd", number())));
    p.put(EventTypes.FAILED, object()
        .required("error_class", string().pattern("^[a-z_]+(\\.[a-z_]+)*$")
            .description("Class of the failure: provider.*, tool.*, budget.*, policy.*, mcp.*, internal.*")
            .with("examples", new JsonArray(ERROR_CLASSES)))
        .property("message", string())
        .property("details", object()));
    p.put(EventTypes.LLM_RETRY, object().required("attempt", integer().minimum(1)).required("delay_ms", integer())
        .property("error_class", string()));
    p.put(EventTypes.PROVIDER_FALLBACK, object().required("from", string()).required("to", string())
        .property("from_route_id", optionalString).property("to_route_id", optionalString)
        .property("reason", optionalString));
    return p;
  }

  private static JsonSchema segment() {
    return object()
        .required("segment", integer().minimum(0))
        .property("segment_id", string().description("Unique in the run"))
        .property("kind", string().description("planning_round, tool_round, ..."))
        .property("display", object().property("mode", string()).property("label", string()));
  }

  /** The envelope in each {@code data:} line, with {@code type} fixed and {@code data} as given. */
  public static JsonSchema envelope(String type, JsonSchema data) {
    JsonSchema envelope = object()
        .required("seq", integer().minimum(1).description("Gapless, strictly increasing per run; the id: line"))
        .required("type", JsonSchema.constant(type))
        .required("data", data)
        .required("created_at", JsonSchema.dateTime())
        .property("event_id", string())
        .property("run_id", JsonSchema.uuid())
        .property("ts", JsonSchema.dateTime());
    if (type.startsWith("tool.")) {
      envelope = envelope.property("tool_name", string());
    }
    if (type.equals(EventTypes.FAILED)) {
      envelope = envelope.required("error_class", string());
    }
    return envelope;
  }

  public static JsonObject build() {
    JsonObject messages = new JsonObject();
    JsonObject channelMessages = new JsonObject();
    JsonArray operationMessages = new JsonArray();
    payloads().forEach((type, data) -> {
      String name = messageName(type);
      messages.put(name, new JsonObject()
          .put("name", type)
          .put("title", type)
          .put("contentType", "application/json")
          .put("payload", envelope(type, data).toJson()));
      channelMessages.put(name, new JsonObject().put("$ref", "#/components/messages/" + name));
      operationMessages.add(new JsonObject().put("$ref", "#/channels/runEvents/messages/" + name));
    });
    return new JsonObject()
        .put("asyncapi", "3.0.0")
        .put("info", new JsonObject().put("title", "Arkloop run events").put("version", OpenApiDocument.VERSION)
            .put("description", String.join("\n", List.of(
                "Server-Sent Events of one run at `GET /v1/runs/{run_id}/events` (authenticated like the REST API, "
                    + "permission `data.runs.read`).",
                "",
                "**Frames.** Each event is one frame: `id: <seq>`, `data: <one-line JSON envelope>`, a blank line. "
                    + "Frames have no `event:` line. Lines starting with `:` are comments: `: ping` on open "
                    + "and after 15 s of silence (heartbeat).",
                "",
                "**Resume.** Query `after_seq` (default 0) replays only events with a greater seq; without it "
                    + "the `Last-Event-ID` header does the same. Reconnect with the last seq seen to resume "
                    + "exactly: seq starts at 1, is gapless and never repeats.",
                "",
                "**End.** The stream closes after the terminal event (`run.completed`, `run.failed`, "
                    + "`run.cancelled`). `follow=false` replays what exists and closes."))))
        .put("defaultContentType", "application/json")
        .put("servers", new JsonObject().put("api", new JsonObject().put("host", "localhost:19001")
            .put("protocol", "http").put("description", "The Arkloop API node")))
        .put("channels", new JsonObject().put("runEvents", new JsonObject()
            .put("address", "/v1/runs/{run_id}/events")
            .put("description", "The event stream of one run")
            .put("parameters", new JsonObject().put("run_id", new JsonObject().put("description", "The run's id")))
            .put("bindings", new JsonObject().put("http", new JsonObject().put("bindingVersion", "0.3.0")))
            .put("messages", channelMessages)))
        .put("operations", new JsonObject().put("receiveRunEvents", new JsonObject()
            .put("action", "receive")
            .put("channel", new JsonObject().put("$ref", "#/channels/runEvents"))
            .put("summary", "Read a run's events")
            .put("messages", operationMessages)))
        .put("components", new JsonObject().put("messages", messages))
        .mergeIn(notificationStream(messages), true);
  }

  /**
   * The caller's notifications at {@code GET /v1/notifications/events}: frames {@code id: <notification
   * id>}, {@code data: <notification JSON>}; {@code Last-Event-ID} resumes after a notification.
   */
  private static JsonObject notificationStream(JsonObject messages) {
    messages.put("notification", new JsonObject().put("name", "notification").put("title", "notification")
        .put("contentType", "application/json")
        .put("summary", "One notification of the caller (a frame's id is the notification's id)")
        .put("payload", NotificationContracts.notification().toJson()));
    return new JsonObject()
        .put("channels", new JsonObject().put("notifications", new JsonObject()
            .put("address", "/v1/notifications/events")
            .put("description", "The caller's notifications, live. `Last-Event-ID: <notification id>` resumes "
                + "after that notification; without it only notifications from connect time on are sent. `: ping` "
                + "comments keep the connection alive.")
            .put("bindings", new JsonObject().put("http", new JsonObject().put("bindingVersion", "0.3.0")))
            .put("messages", new JsonObject().put("notification", new JsonObject()
                .put("$ref", "#/components/messages/notification")))))
        .put("operations", new JsonObject().put("receiveNotifications", new JsonObject()
            .put("action", "receive")
            .put("channel", new JsonObject().put("$ref", "#/channels/notifications"))
            .put("summary", "Read the caller's notifications")
            .put("messages", new JsonArray().add(new JsonObject()
                .put("$ref", "#/channels/notifications/messages/notification")))));
  }

  /** {@code run.failed} → {@code runFailed}. */
  public static String messageName(String type) {
    StringBuilder name = new StringBuilder();
    boolean upper = false;
    for (char c : type.toCharArray()) {
      if (c == '.' || c == '_') {
        upper = true;
      } else {
        name.append(upper ? Character.toUpperCase(c) : c);
        upper = false;
      }
    }
    return name.toString();
  }
}
