package dev.arkloop.api.http;

import dev.arkloop.common.error.ApiException;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Checks the raw request target before anything decodes it: every percent-escape well formed and
 * decoding to valid UTF-8 (decoders elsewhere would silently substitute U+FFFD), and no
 * {@code .} or {@code ..} path segment, plain or escaped, so the path a route is chosen by is the path
 * the client sent ({@code /v1/%2e%2e/metrics} is refused, never resolved to {@code /metrics}).
 */
public final class RequestTarget {
  private RequestTarget() {}

  /** The refusal for {@code uri}, or null when it is acceptable. */
  public static ApiException check(String uri) {
    int query = uri.indexOf('?');
    String path = query < 0 ? uri : uri.substring(0, query);
    try {
      String decodedPath = decode(path, false);
      for (String segment : decodedPath.split("/", -1)) {
        if (segment.equals(".") || segment.equals("..")) {
          return refusal("path", "dot_segment", "the request path must not contain '.' or '..' segments");
        }
      }
      if (query >= 0) {
        decode(uri.substring(query + 1), true);
      }
      return null;
    } catch (IllegalArgumentException e) {
      return refusal(query >= 0 && e.getMessage().equals("query") ? "query" : "path", "invalid_encoding",
          "the request path or query is not validly percent-encoded UTF-8");
    }
  }

  private static ApiException refusal(String field, String reason, String message) {
    return new ApiException(400, "validation.error", message, new JsonObject().put("field", field)
        .put("reason", reason));
  }

  /** Percent-decodes {@code text} strictly as UTF-8; throws IllegalArgumentException("path"|"query"). */
  private static String decode(String text, boolean query) {
    String part = query ? "query" : "path";
    if (text.indexOf('%') < 0) {
      return text;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(text.length());
    StringBuilder decoded = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '%') {
        if (i + 2 >= text.length()) {
          throw new IllegalArgumentException(part);
        }
        int high = Character.digit(text.charAt(i + 1), 16);
        int low = Character.digit(text.charAt(i + 2), 16);
        if (high < 0 || low < 0) {
          throw new IllegalArgumentException(part);
        }
        bytes.write(high * 16 + low);
        i += 2;
        continue;
      }
      flush(bytes, decoded, part);
      decoded.append(c);
    }
    flush(bytes, decoded, part);
    return decoded.toString();
  }

  private static void flush(ByteArrayOutputStream bytes, StringBuilder decoded, String part) {
    if (bytes.size() == 0) {
      return;
    }
    try {
      decoded.append(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray())));
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(part);
    }
    bytes.reset();
  }
}
