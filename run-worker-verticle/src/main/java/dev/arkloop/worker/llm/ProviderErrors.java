package dev.arkloop.worker.llm;

import dev.arkloop.common.llm.ProviderApi;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Turns upstream failures into {@link LlmException}s. Upstream error text is kept (it says what was
 * wrong: an unknown model, a too-long prompt) but scrubbed of anything key-like, because some APIs
 * echo part of the key, and the text ends up in run events.
 */
final class ProviderErrors {
  private static final Pattern KEY_LIKE = Pattern.compile("(sk|pk|rk|key)[-_][A-Za-z0-9*_\\-.]{6,}");
  private static final int MAX_MESSAGE = 300;

  private ProviderErrors() {}

  /** A refused call: the class and retryability follow the status; the wait follows Retry-After. */
  static LlmException status(int status, MultiMap headers, Buffer body, String apiKey) {
    String errorClass = ProviderApi.errorClass(status);
    String detail = errorClass.equals("provider.auth") ? "" : upstreamMessage(body, apiKey);
    String message = "the provider answered HTTP " + status + (detail.isEmpty() ? "" : ": " + detail);
    return new LlmException(errorClass, message, ProviderApi.retryable(status), retryAfterMs(headers));
  }

  /** An {@code error} event inside a stream that had started. Overload and rate limits may pass. */
  static LlmException streamError(JsonObject event, String apiKey) {
    JsonObject error = event.getValue("error") instanceof JsonObject nested ? nested : event;
    Object type = error.getValue("type");
    if (!(type instanceof String) || type.equals("error")) {
      type = error.getValue("code") instanceof String code ? code : "error";
    }
    String message = scrub(String.valueOf(error.getValue("message", "")), apiKey);
    String text = "the provider reported " + type + (message.isEmpty() ? "" : ": " + message);
    if ("overloaded_error".equals(type) || "server_is_overloaded".equals(type)) {
      return new LlmException("provider.unavailable", text, true);
    }
    if ("rate_limit_error".equals(type) || "rate_limit_exceeded".equals(type)) {
      return new LlmException("provider.rate_limited", text, true);
    }
    return new LlmException("provider.error", text, false);
  }

  static String scrub(String text, String apiKey) {
    String clean = apiKey == null || apiKey.isEmpty() ? text : text.replace(apiKey, "[redacted]");
    clean = KEY_LIKE.matcher(clean).replaceAll("[redacted]");
    return clean.length() > MAX_MESSAGE ? clean.substring(0, MAX_MESSAGE) + "…" : clean;
  }

  private static String upstreamMessage(Buffer body, String apiKey) {
    if (body == null || body.length() == 0) {
      return "";
    }
    String text = body.toString();
    try {
      JsonObject json = new JsonObject(text);
      Object error = json.getValue("error");
      if (error instanceof JsonObject object && object.getValue("message") instanceof String message) {
        text = message;
      } else if (error instanceof String message) {
        text = message;
      } else if (json.getValue("message") instanceof String message) {
        text = message;
      }
    } catch (RuntimeException notJson) {
      // keep the raw text
    }
    return scrub(text.strip(), apiKey);
  }

  /** {@code retry-after-ms}, else {@code Retry-After} in seconds or as an HTTP date; -1 when absent or bad. */
  static long retryAfterMs(MultiMap headers) {
    String millis = headers.get("retry-after-ms");
    if (millis != null) {
      try {
        return Math.max(0, (long) Double.parseDouble(millis.trim()));
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    String value = headers.get("Retry-After");
    if (value == null) {
      return -1;
    }
    try {
      return Math.max(0, (long) (Double.parseDouble(value.trim()) * 1000));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
        return Math.max(0, Duration.between(ZonedDateTime.now(at.getZone()), at).toMillis());
      } catch (RuntimeException notDate) {
        return -1;
      }
    }
  }
}
