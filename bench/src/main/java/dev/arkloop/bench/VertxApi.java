package dev.arkloop.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/** A non-blocking client of the API for the run scenarios: JSON calls and SSE streams. */
final class VertxApi {
  /** A JSON answer. */
  record Reply(int status, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** SSE chunks received by every stream of this client: how many writes the server made. */
  final java.util.concurrent.atomic.AtomicLong sseChunks = new java.util.concurrent.atomic.AtomicLong();
  private final Vertx vertx;
  private final HttpClient http;
  private final URI base;

  VertxApi(Vertx vertx, URI base, int maxConnections) {
    this.vertx = vertx;
    this.base = base;
    this.http = vertx.createHttpClient(new HttpClientOptions().setIdleTimeout(0).setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
  }

  Vertx vertx() {
    return vertx;
  }

  Future<Reply> call(HttpMethod method, String path, String bearer, JsonObject body) {
    RequestOptions options = options(method, path, bearer);
    if (body != null) {
      options.addHeader("Content-Type", "application/json");
    }
    return http.request(options)
        .compose(request -> body == null ? request.send() : request.send(body.toBuffer()))
        .compose(response -> response.body().map(buffer -> new Reply(response.statusCode(), buffer.toString())));
  }

  /**
   * Streams a run's events: {@code onEvent} gets each {@code data:} envelope with the receipt time;
   * the future completes with the number of events when the server ends the stream.
   */
  Future<Integer> follow(String runId, String bearer, EventSink onEvent) {
    Promise<Integer> done = Promise.promise();
    http.request(options(HttpMethod.GET, "/v1/runs/" + runId + "/events", bearer))
        .compose(request -> request.send())
        .onFailure(done::tryFail)
        .onSuccess(response -> {
          if (response.statusCode() != 200) {
            done.tryFail("SSE answered " + response.statusCode());
            return;
          }
          StringBuilder pending = new StringBuilder();
          int[] count = {0};
          response.handler(chunk -> {
            long received = epochMicros();
            sseChunks.incrementAndGet();
            pending.append(chunk.toString());
            int boundary;
            while ((boundary = pending.indexOf("\n\n")) >= 0) {
              String block = pending.substring(0, boundary);
              pending.delete(0, boundary + 2);
              for (String line : block.split("\n")) {
                if (line.startsWith("data: ")) {
                  count[0]++;
                  onEvent.accept(new JsonObject(line.substring(6)), received);
                }
              }
            }
          });
          response.endHandler(v -> done.tryComplete(count[0]));
          response.exceptionHandler(done::tryFail);
        });
    return done.future();
  }

  /** Polls {@code GET /readyz} every half second until it answers 200; fails when {@code patienceMillis} ran out. */
  Future<Void> awaitReady(long patienceMillis) {
    long deadline = System.currentTimeMillis() + patienceMillis;
    Promise<Void> ready = Promise.promise();
    pollReady(deadline, ready);
    return ready.future();
  }

  private void pollReady(long deadline, Promise<Void> ready) {
    call(HttpMethod.GET, "/readyz", null, null).onComplete(reply -> {
      if (reply.succeeded() && reply.result().status() == 200) {
        ready.complete();
      } else if (System.currentTimeMillis() > deadline) {
        ready.fail(base + "/readyz did not answer 200 in time");
      } else {
        vertx.setTimer(500, t -> pollReady(deadline, ready));
      }
    });
  }

  /** Registers a user; returns their access token. */
  Future<String> signUp() {
    String login = "runbench" + Long.toHexString(System.nanoTime());
    return call(HttpMethod.POST, "/v1/auth/register", null, new JsonObject().put("login", login)
            .put("password", "bench password " + login).put("email", login + "@bench.invalid"))
        .compose(reply -> reply.status() == 201 ? Future.succeededFuture(reply.json().getString("access_token"))
            : Future.failedFuture("registration failed: " + reply.body()));
  }

  /** Registers a user and creates {@code keys} API keys able to use threads and runs. */
  Future<List<String>> signUpWithKeys(int keys) {
    return signUp().compose(token -> runKeys(token, keys));
  }

  /** {@code keys} API keys of the user signed in with {@code token}, able to use threads and runs. */
  Future<List<String>> runKeys(String token, int keys) {
    List<Future<Reply>> created = new ArrayList<>();
    for (int i = 0; i < keys; i++) {
      created.add(call(HttpMethod.POST, "/v1/api-keys", token, new JsonObject().put("name", "run bench " + i)
          .put("scopes", new JsonArray().add("data.threads.read").add("data.threads.write")
              .add("data.runs.read").add("data.runs.write"))));
    }
    return Future.all(created).map(all -> {
      List<String> list = new ArrayList<>();
      for (Future<Reply> key : created) {
        list.add(key.result().json().getString("key"));
      }
      return list;
    });
  }

  /** A thread with one user message; returns the thread id. */
  Future<String> thread(String bearer, String message) {
    return call(HttpMethod.POST, "/v1/threads", bearer, new JsonObject().put("title", "bench"))
        .compose(thread -> {
          if (thread.status() != 201) {
            return Future.failedFuture("thread " + thread.status() + ": " + thread.body());
          }
          String id = thread.json().getString("id");
          return call(HttpMethod.POST, "/v1/threads/" + id + "/messages", bearer,
              new JsonObject().put("content", message)).map(id);
        });
  }

  /** A webhook endpoint of the caller's account; returns it with its signing {@code secret}. */
  Future<JsonObject> webhookEndpoint(String bearer, String url, JsonArray events) {
    return call(HttpMethod.POST, "/v1/webhook-endpoints", bearer, new JsonObject().put("url", url).put("events", events))
        .compose(reply -> reply.status() == 201 ? Future.succeededFuture(reply.json())
            : Future.failedFuture("webhook endpoint " + reply.status() + ": " + reply.body()));
  }

  Future<String> run(String bearer, String threadId) {
    return call(HttpMethod.POST, "/v1/threads/" + threadId + "/runs", bearer, new JsonObject())
        .compose(reply -> reply.status() == 201 ? Future.succeededFuture(reply.json().getString("run_id"))
            : Future.failedFuture("run " + reply.status() + ": " + reply.body()));
  }

  /** The server's heap in use, from the Prometheus metrics on its management address. */
  Future<Long> serverHeapBytes(URI metrics) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(metrics.getHost())
        .setPort(metrics.getPort()).setURI("/metrics");
    return http.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().map(buffer -> new Reply(response.statusCode(), buffer.toString())))
        .map(reply -> {
          long total = 0;
          for (String line : reply.body().split("\n")) {
            if (line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\"")) {
              total += (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
          }
          return total;
        });
  }

  private RequestOptions options(HttpMethod method, String path, String bearer) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(base.getHost())
        .setPort(base.getPort()).setURI(path);
    if (bearer != null) {
      options.addHeader("Authorization", "Bearer " + bearer);
    }
    return options;
  }

  /** Receives one event envelope and the wall-clock millisecond it arrived. */
  interface EventSink {
    void accept(JsonObject event, long receivedMillis);
  }



  /** Wall-clock time in microseconds, the resolution of run events' {@code created_at}. */
  static long epochMicros() {
    return epochMicros(java.time.Instant.now());
  }

  static long epochMicros(java.time.Instant instant) {
    return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1_000;
  }
}
