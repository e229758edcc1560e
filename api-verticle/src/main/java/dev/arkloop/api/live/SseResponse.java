package dev.arkloop.api.live;

import io.vertx.core.http.HttpServerResponse;

/** The head every Server-Sent Events response of the API carries, and its heartbeat comment. */
public final class SseResponse {
  public static final String PING = ": ping\n\n";

  private SseResponse() {}

  public static void open(HttpServerResponse response) {
    response.setChunked(true)
        .putHeader("Content-Type", "text/event-stream; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no")
        .putHeader("Connection", "keep-alive");
  }

  /** One unnamed frame: {@code id:} and a single-line {@code data:}. */
  public static String frame(String id, String data) {
    return "id: " + id + "\ndata: " + data + "\n\n";
  }
}
