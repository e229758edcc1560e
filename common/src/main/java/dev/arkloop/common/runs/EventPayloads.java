package dev.arkloop.common.runs;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * The one shape of each run event's {@code data}, one method per {@link EventTypes} type, so the API
 * and the worker cannot write the same event two ways. The AsyncAPI document describes these shapes.
 */
public final class EventPayloads {
  private EventPayloads() {}

  /** {@code run.started}: the accepted create options. */
  public static JsonObject started(JsonObject options) {
    return options;
  }

  public static JsonObject routeSelected(String routeId, String provider, String model) {
    return new JsonObject().put("route_id", routeId).put("provider", provider).put("model", model);
  }

  /**
   * The seed's numeric {@code segment} plus the original clients' {@code segment_id}, {@code kind} and
   * {@code display}: the first model call plans, later ones follow tool results.
   */
  public static JsonObject segmentStart(int segment) {
    return new JsonObject().put("segment", segment).put("segment_id", segmentId(segment))
        .put("kind", segment == 0 ? "planning_round" : "tool_round")
        .put("display", new JsonObject().put("mode", "visible").put("label", "Round " + (segment + 1)));
  }

  public static JsonObject segmentEnd(int segment) {
    return new JsonObject().put("segment", segment).put("segment_id", segmentId(segment));
  }

  /** Unique in the run: the index only grows, across pauses for input too. */
  private static String segmentId(int segment) {
    return "seg_" + segment;
  }

  public static JsonObject messageDelta(String delta) {
    return new JsonObject().put("content_delta", delta).put("role", "assistant");
  }

  public static JsonObject thinkingDelta(String delta) {
    return messageDelta(delta).put("channel", "thinking");
  }

  public static JsonObject toolCall(String callId, String toolName, JsonObject arguments) {
    return new JsonObject().put("tool_call_id", callId).put("tool_name", toolName).put("arguments", arguments);
  }

  /** {@code tool.result} with either the result or the error. */
  public static JsonObject toolResult(String callId, String toolName, JsonObject result, JsonObject error) {
    JsonObject data = new JsonObject().put("tool_call_id", callId).put("tool_name", toolName);
    return error == null ? data.put("result", result) : data.put("error", error);
  }

  public static JsonObject toolDenied(String callId, String toolName, String reason) {
    return new JsonObject().put("tool_call_id", callId).put("tool_name", toolName).put("reason", reason);
  }

  /** The original clients' form of the question: {@code request_id}, {@code message}, {@code requestedSchema?}. */
  public static JsonObject inputRequested(String requestId, String message, JsonObject requestedSchema) {
    JsonObject data = new JsonObject().put("request_id", requestId).put("message", message);
    return requestedSchema == null ? data : data.put("requestedSchema", requestedSchema);
  }

  /** {@code details}: the kind of pause and, for an approval, the tool and its arguments. */
  public static JsonObject waitingForInput(String prompt, String callId, JsonObject details) {
    return new JsonObject().put("prompt", prompt).put("input_key", callId).put("tool_call_id", callId)
        .mergeIn(details);
  }

  public static JsonObject inputProvided(String content, String inputKey, String traceId) {
    return new JsonObject().put("content", content).put("input_key", inputKey).put("trace_id", traceId);
  }

  /** Who asked to cancel, and in which request; the same data travels as the stored cancel signal. */
  public static JsonObject cancelRequested(String traceId, UUID requestedBy) {
    return new JsonObject().put("trace_id", traceId)
        .put("requested_by_user_id", requestedBy == null ? null : requestedBy.toString());
  }

  /** {@code run.cancel_requested} from a stored cancel signal's payload. */
  public static JsonObject cancelRequested(JsonObject signal) {
    String by = signal == null ? null : signal.getString("requested_by_user_id");
    return cancelRequested(signal == null ? null : signal.getString("trace_id"), by == null ? null : UUID.fromString(by));
  }

  public static JsonObject cancelled() {
    return new JsonObject();
  }

  public static JsonObject completed(JsonObject usage) {
    return new JsonObject().put("usage", usage);
  }

  public static JsonObject failed(String errorClass, String message) {
    return new JsonObject().put("error_class", errorClass).put("message", message);
  }

  public static JsonObject llmRetry(int attempt, long delayMs, String errorClass) {
    return new JsonObject().put("attempt", attempt).put("delay_ms", delayMs).put("error_class", errorClass);
  }

  public static JsonObject providerFallback(String from, String to, String fromRouteId, String toRouteId,
      String reason) {
    return new JsonObject().put("from", from).put("to", to).put("from_route_id", fromRouteId)
        .put("to_route_id", toRouteId).put("reason", reason);
  }
}
