package dev.arkloop.common.testing;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real streaming SSE client for tests: parses {@code id:} / {@code data:} frames and comment lines
 * as they arrive, and records them for assertions.
 */
public final class SseClient {
  /**
   * One received event: its {@code id:} line as a number (-1 when it is not one) and as sent, and its
   * parsed {@code data:} JSON.
   */
  public record Frame(long id, JsonObject data, String eventId) {}

  private final List<Frame> frames = new CopyOnWriteArrayList<>();
  private final List<String> comments = new CopyOnWriteArrayList<>();
  private final Promise<Void> ended = Promise.promise();
  private volatile HttpClientResponse response;
  /** Held so the client is not closed as unreachable while the stream is open. */
  private HttpClient http;
  private volatile String endReason;
  private final StringBuilder pending = new StringBuilder();
  private final List<String> violations = new CopyOnWriteArrayList<>();
  private volatile ContractCheck contract;

  private SseClient() {}

  /**
   * Opens the stream; completes once the response head arrived (any status). The request is made on
   * an event loop, so the body handlers are set before any of the body can be read.
   */
  public static Future<SseClient> open(Vertx vertx, int port, String path, Map<String, String> headers) {
    return Await.onContext(vertx.getOrCreateContext(), () -> request(vertx, port, path, headers));
  }

  private static Future<SseClient> request(Vertx vertx, int port, String path, Map<String, String> headers) {
    HttpClient http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(0));
    SseClient client = new SseClient();
    client.http = http;
    client.contract = ContractCheck.forPort(port);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
        .setURI(path);
    headers.forEach(options::addHeader);
    return http.request(options)
        .compose(request -> request.send())
        .map(response -> {
          client.response = response;
          response.handler(client::onData);
          response.endHandler(v -> client.finish("ended by the server"));
          response.exceptionHandler(e -> client.finish(e.toString()));
          return client;
        });
  }

  public int status() {
    return response.statusCode();
  }

  public String header(String name) {
    return response.getHeader(name);
  }

  /** The events read so far; fails the test if one broke the node's AsyncAPI contract. */
  public List<Frame> frames() {
    if (!violations.isEmpty()) {
      throw new AssertionError("contract: " + violations);
    }
    return List.copyOf(frames);
  }

  public List<String> comments() {
    return List.copyOf(comments);
  }

  /** Completes when the server ends the stream (or the connection drops). */
  public Future<Void> ended() {
    return ended.future();
  }

  public void close() {
    if (response != null) {
      response.request().connection().close();
    }
  }

  /** Why the stream ended: the server ended it, or the connection failed (the exception). */
  public String endReason() {
    return endReason;
  }

  private void finish(String reason) {
    if (endReason == null) {
      endReason = reason;
    }
    ended.tryComplete();
    http.close();
  }

  private synchronized void onData(Buffer chunk) {
    pending.append(chunk.toString());
    int boundary;
    while ((boundary = pending.indexOf("\n\n")) >= 0) {
      String block = pending.substring(0, boundary);
      pending.delete(0, boundary + 2);
      long id = -1;
      String eventId = null;
      String data = null;
      for (String line : block.split("\n")) {
        if (line.startsWith(":")) {
          comments.add(line);
        } else if (line.startsWith("id: ")) {
          eventId = line.substring(4).trim();
          id = eventId.chars().allMatch(Character::isDigit) && !eventId.isEmpty() ? Long.parseLong(eventId) : -1;
        } else if (line.startsWith("data: ")) {
          data = line.substring(6);
        }
      }
      if (data != null) {
        JsonObject event = new JsonObject(data);
        // run streams only: their frames carry seq; the notification stream's ids are notification ids
        if (contract != null && event.containsKey("seq")) {
          String violation = contract.checkEvent(event);
          if (event.getLong("seq") != id) {
            violation = "id: line " + id + " is not the event's seq: " + data;
          }
          if (violation != null) {
            violations.add(violation);
          }
        }
        frames.add(new Frame(id, event, eventId));
      }
    }
  }
}
