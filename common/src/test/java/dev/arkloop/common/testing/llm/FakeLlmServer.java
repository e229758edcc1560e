package dev.arkloop.common.testing.llm;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A local stand-in for an LLM API: a real HTTP server that answers each request with the next
 * scripted {@link Reply} (the wire bytes come from {@link ChatCompletionsWire}, {@link ResponsesWire}
 * or {@link AnthropicWire}), records what it was sent, and notices when a client hangs up.
 */
public final class FakeLlmServer implements AutoCloseable {

  /** One request as received, and a future that completes if the client closed before the reply ended. */
  public record Received(String method, String uri, MultiMap headers, JsonObject body, Future<Void> hungUp,
      long receivedAtMillis) {
    public String path() {
      int query = uri.indexOf('?');
      return query < 0 ? uri : uri.substring(0, query);
    }
  }

  /** A scripted answer: status, headers, body chunks written one by one, and whether to end or stall. */
  public static final class Reply {
    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private List<Buffer> chunks;
    private long chunkDelayMs;
    private boolean stall;
    private Future<?> heldUntil;

    private Reply(int status, List<String> chunks) {
      this.status = status;
      this.chunks = chunks.stream().map(Buffer::buffer).toList();
    }

    /** A 200 event stream of the given frames. */
    public static Reply sse(List<String> frames) {
      Reply reply = new Reply(200, frames);
      reply.headers.put("Content-Type", "text/event-stream");
      reply.headers.put("Cache-Control", "no-cache");
      return reply;
    }

    public static Reply json(int status, JsonObject body) {
      Reply reply = new Reply(status, List.of(body.encode()));
      reply.headers.put("Content-Type", "application/json");
      return reply;
    }

    public Reply header(String name, String value) {
      headers.put(name, value);
      return this;
    }

    /** Waits this long before each chunk. */
    public Reply chunkDelay(long millis) {
      this.chunkDelayMs = millis;
      return this;
    }

    /** Re-cuts the body into pieces of {@code bytes} bytes: lines, JSON and UTF-8 characters split anywhere. */
    public Reply splitEvery(int bytes) {
      Buffer all = Buffer.buffer();
      chunks.forEach(all::appendBuffer);
      List<Buffer> pieces = new ArrayList<>();
      for (int start = 0; start < all.length(); start += bytes) {
        pieces.add(all.getBuffer(start, Math.min(all.length(), start + bytes)));
      }
      this.chunks = pieces;
      return this;
    }

    /** Answers only once {@code release} completes: the test acts while the call is in flight. */
    public Reply heldUntil(Future<?> release) {
      this.heldUntil = release;
      return this;
    }

    /** Writes the chunks and then neither ends nor closes: a stream gone silent. */
    public Reply stall() {
      this.stall = true;
      return this;
    }
  }

  private final Vertx vertx;
  private final Deque<Reply> script = new ConcurrentLinkedDeque<>();
  private final List<Received> received = new CopyOnWriteArrayList<>();
  private volatile Reply fallback = Reply.json(500, new JsonObject().put("error",
      new JsonObject().put("message", "no reply scripted").put("type", "server_error")));
  private HttpServer server;

  private FakeLlmServer(Vertx vertx) {
    this.vertx = vertx;
  }

  public static Future<FakeLlmServer> start(Vertx vertx) {
    FakeLlmServer fake = new FakeLlmServer(vertx);
    return vertx.createHttpServer().requestHandler(fake::handle).listen(0, "127.0.0.1").map(server -> {
      fake.server = server;
      return fake;
    });
  }

  public int port() {
    return server.actualPort();
  }

  /** {@code http://127.0.0.1:port} plus {@code path} (e.g. {@code /v1} for OpenAI-style base URLs). */
  public String baseUrl(String path) {
    return "http://127.0.0.1:" + port() + path;
  }

  /** Adds replies to the script, answered in order. */
  public FakeLlmServer enqueue(Reply... replies) {
    script.addAll(List.of(replies));
    return this;
  }

  /** The answer once the script is used up (default: a 500). */
  public FakeLlmServer otherwise(Reply reply) {
    this.fallback = reply;
    return this;
  }

  public List<Received> requests() {
    return new ArrayList<>(received);
  }

  public Received last() {
    return received.get(received.size() - 1);
  }

  public void reset() {
    script.clear();
    received.clear();
  }

  private void handle(HttpServerRequest request) {
    Promise<Void> hungUp = Promise.promise();
    request.body().onSuccess(body -> {
      JsonObject json = body.length() == 0 ? null : new JsonObject(body);
      received.add(new Received(request.method().name(), request.uri(), MultiMap.caseInsensitiveMultiMap()
          .addAll(request.headers()), json, hungUp.future(), System.currentTimeMillis()));
      Reply reply = script.poll();
      HttpServerResponse response = request.response();
      response.closeHandler(v -> hungUp.tryComplete());
      respond(response, reply == null ? fallback : reply);
    });
  }

  private void respond(HttpServerResponse response, Reply reply) {
    if (reply.heldUntil != null && !reply.heldUntil.isComplete()) {
      reply.heldUntil.onComplete(v -> vertx.runOnContext(x -> respond(response, reply)));
      return;
    }
    response.setStatusCode(reply.status);
    reply.headers.forEach(response::putHeader);
    response.setChunked(true);
    write(response, reply, 0);
  }

  private void write(HttpServerResponse response, Reply reply, int index) {
    if (response.closed()) {
      return;
    }
    if (index == reply.chunks.size()) {
      if (!reply.stall) {
        response.end();
      }
      return;
    }
    Runnable next = () -> {
      if (!response.closed()) {
        response.write(reply.chunks.get(index));
        write(response, reply, index + 1);
      }
    };
    if (reply.chunkDelayMs > 0) {
      vertx.setTimer(reply.chunkDelayMs, t -> next.run());
    } else {
      next.run();
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
