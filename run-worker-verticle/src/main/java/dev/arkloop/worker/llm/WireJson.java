package dev.arkloop.worker.llm;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/** Small pieces every wire format needs: parsing event data, text of neutral messages, finishing bodies. */
final class WireJson {
  /** Body fields a provider's advanced settings may not replace: the conversation, tools and streaming. */
  private static final Set<String> PROTECTED = Set.of("model", "messages", "input", "system", "tools", "stream",
      "stream_options", "store");

  private WireJson() {}

  /** An event's data as a JSON object, or a protocol error. */
  static JsonObject parse(String data) {
    try {
      return new JsonObject(data);
    } catch (DecodeException | ClassCastException e) {
      throw LlmException.protocol("the provider sent a chunk that is not a JSON object");
    }
  }

  /** A neutral message's content as text (structured content is sent as its JSON). */
  static String text(JsonObject message) {
    Object content = message.getValue("content");
    if (content == null) {
      return "";
    }
    return content instanceof String text ? text : String.valueOf(content instanceof JsonObject json ? json.encode()
        : content);
  }

  /**
   * Adds the run's sampling options ({@code max_output_tokens} under the wire's name,
   * {@code temperature}, {@code top_p}) and the model's effective advanced settings, which win over
   * options but never replace protected fields.
   */
  static JsonObject finish(JsonObject body, JsonObject options, JsonObject advanced, String maxTokensField) {
    if (options != null) {
      if (options.getValue("max_output_tokens") instanceof Number max) {
        body.put(maxTokensField, max.longValue());
      }
      for (String sampling : new String[] {"temperature", "top_p"}) {
        if (options.getValue(sampling) instanceof Number value) {
          body.put(sampling, value);
        }
      }
    }
    if (advanced != null) {
      advanced.forEach(entry -> {
        if (!PROTECTED.contains(entry.getKey())) {
          body.put(entry.getKey(), entry.getValue());
        }
      });
    }
    return body;
  }

  /** A token count, 0 when absent. */
  static long count(JsonObject object, String field) {
    if (object == null) {
      return 0;
    }
    Object value = object.getValue(field);
    return value instanceof Number number ? number.longValue() : 0;
  }

  /** Arguments of a neutral tool call as JSON text. */
  static String arguments(JsonObject call) {
    Object arguments = call.getValue("arguments");
    if (arguments instanceof JsonObject object) {
      return object.encode();
    }
    return arguments == null ? "{}" : String.valueOf(arguments);
  }
}
