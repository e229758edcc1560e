package dev.arkloop.api.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.json.JsonLimits;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;

/**
 * The one check every JSON request body passes before any route reads it: no string (object keys
 * included, at any depth) may hold U+0000, which PostgreSQL text and jsonb cannot store, and nesting
 * may not exceed {@link JsonLimits#MAX_BODY_DEPTH} levels, so nothing stored is too deep to be read
 * back. Both answer 400 {@code validation.error} with {@code details.reason} {@code nul_character} or
 * {@code too_deep}. A body that is not JSON passes through: the route answers it with 422.
 */
public final class JsonBodyScreen implements Handler<RoutingContext> {
  private static final JsonFactory JSON = new JsonFactory();

  @Override
  public void handle(RoutingContext ctx) {
    Buffer body = ctx.body().available() ? ctx.body().buffer() : null;
    if (body != null && body.length() > 0) {
      ApiException refusal = screen(body.getBytes());
      if (refusal != null) {
        ctx.fail(refusal);
        return;
      }
    }
    ctx.next();
  }

  static ApiException screen(byte[] body) {
    try (JsonParser parser = JSON.createParser(body)) {
      int depth = 0;
      for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
        switch (token) {
          case START_OBJECT, START_ARRAY -> {
            if (++depth > JsonLimits.MAX_BODY_DEPTH) {
              return refusal("too_deep", parser, "request body nests deeper than " + JsonLimits.MAX_BODY_DEPTH
                  + " levels", new JsonObject().put("max_depth", JsonLimits.MAX_BODY_DEPTH));
            }
          }
          case END_OBJECT, END_ARRAY -> depth--;
          case FIELD_NAME, VALUE_STRING -> {
            if (hasNul(parser)) {
              return refusal("nul_character", parser, "strings in the request body must not contain NUL (\\u0000)",
                  new JsonObject());
            }
          }
          default -> { }
        }
      }
      return null;
    } catch (IOException notJson) {
      return null; // not JSON (or not JSON any more past this point): the route's own parse answers 422
    }
  }

  private static boolean hasNul(JsonParser parser) throws IOException {
    char[] text = parser.getTextCharacters();
    int end = parser.getTextOffset() + parser.getTextLength();
    for (int i = parser.getTextOffset(); i < end; i++) {
      if (text[i] == 0) {
        return true;
      }
    }
    return false;
  }

  /** Names the offending place as a JSON pointer, and its top-level field as {@code field}. */
  private static ApiException refusal(String reason, JsonParser parser, String message, JsonObject details) {
    String pointer = parser.getParsingContext().pathAsPointer().toString();
    String field = pointer.isEmpty() ? null : pointer.substring(1).split("/", 2)[0];
    details.put("reason", reason).put("pointer", pointer);
    if (field != null && !field.isEmpty()) {
      details.put("field", field.replace("~1", "/").replace("~0", "~"));
    }
    return new ApiException(400, "validation.error", message, details);
  }
}
