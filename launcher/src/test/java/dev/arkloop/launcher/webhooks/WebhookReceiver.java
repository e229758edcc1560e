package dev.arkloop.launcher.webhooks;

import static dev.arkloop.common.testing.Await.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A webhook receiver: a real local HTTP server that records every POST per path and answers each
 * with the next scripted status for that path (200 once the script runs out; 0 = never answer).
 */
public final class WebhookReceiver implements AutoCloseable {
  /** One received request: its headers of interest and raw body. */
  public record Received(String event, String delivery, String timestamp, String signature, String body) {
    public JsonObject json() {
      return new JsonObject(body);
    }
  }

  private final HttpServer server;
  private final Map<String, Deque<Integer>> scripts = new ConcurrentHashMap<>();
  private final Map<String, List<Received>> received = new ConcurrentHashMap<>();

  public WebhookReceiver(Vertx vertx) {
    this.server = await(vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1"));
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + "/" + path;
  }

  /** The statuses the next requests to {@code path} get, in order. */
  public void script(String path, Integer... statuses) {
    scripts.put("/" + path, new ArrayDeque<>(List.of(statuses)));
  }

  public List<Received> received(String path) {
    return List.copyOf(received.getOrDefault("/" + path, List.of()));
  }

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      received.computeIfAbsent(request.path(), p -> new CopyOnWriteArrayList<>()).add(new Received(
          request.getHeader("X-Arkloop-Event"), request.getHeader("X-Arkloop-Delivery"),
          request.getHeader("X-Arkloop-Timestamp"), request.getHeader("X-Arkloop-Signature"), body.toString()));
      Deque<Integer> script = scripts.get(request.path());
      Integer status;
      synchronized (this) {
        status = script == null || script.isEmpty() ? 200 : script.poll();
      }
      if (status != 0) {
        request.response().setStatusCode(status).end("answer " + status);
      }
    });
  }

  @Override
  public void close() {
    await(server.close());
  }
}
