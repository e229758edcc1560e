package dev.arkloop.worker.llm;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.BiConsumer;

/**
 * Incremental Server-Sent Events parser. Fed raw network chunks, it splits lines on bytes (so a UTF-8
 * character or a line cut across chunks is reassembled) and hands each complete event, named by its
 * {@code event:} line (null if none) with its {@code data:} lines joined by newlines, to the sink.
 */
final class SseParser {
  private static final int MAX_PENDING_BYTES = 16 * 1024 * 1024;
  private final BiConsumer<String, String> sink;
  private Buffer pending = Buffer.buffer();
  private String event;
  private StringBuilder data;

  SseParser(BiConsumer<String, String> sink) {
    this.sink = sink;
  }

  void feed(Buffer chunk) {
    pending.appendBuffer(chunk);
    int start = 0;
    for (int i = 0; i < pending.length(); i++) {
      if (pending.getByte(i) == '\n') {
        int end = i > start && pending.getByte(i - 1) == '\r' ? i - 1 : i;
        line(pending.getString(start, end, StandardCharsets.UTF_8.name()));
        start = i + 1;
      }
    }
    pending = pending.getBuffer(start, pending.length());
    if (pending.length() > MAX_PENDING_BYTES) {
      throw LlmException.protocol("an event stream line exceeds " + MAX_PENDING_BYTES + " bytes");
    }
  }

  /** The stream ended: an event not yet closed by a blank line still counts. */
  void end() {
    if (pending.length() > 0) {
      line(pending.toString(StandardCharsets.UTF_8));
      pending = Buffer.buffer();
    }
    line("");
  }

  private void line(String line) {
    if (line.isEmpty()) {
      if (data != null) {
        String name = event;
        String payload = data.toString();
        event = null;
        data = null;
        sink.accept(name, payload);
      }
      event = null;
      return;
    }
    if (line.startsWith(":")) {
      return;
    }
    int colon = line.indexOf(':');
    String field = colon < 0 ? line : line.substring(0, colon);
    String value = colon < 0 ? "" : line.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    if (field.equals("event")) {
      event = value;
    } else if (field.equals("data")) {
      if (data == null) {
        data = new StringBuilder(value);
      } else {
        data.append('\n').append(value);
      }
    }
  }
}
