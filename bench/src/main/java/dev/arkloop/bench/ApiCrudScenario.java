package dev.arkloop.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.Function;

/**
 * {@code api_crud}: every client loops thread create → get → patch → delete, one request at a time
 * (closed loop), paced so it stays under the per-identity rate limit. Latencies count only after
 * the warm-up.
 *
 * <p>The clients are Vert.x HTTP clients on one event loop: the load generator shares the cores with
 * the node, and the JDK's HTTP client cost about as much CPU per request as the node itself (0.65 of
 * a core at 2,000 requests/s), which the node's throughput then paid for.
 */
final class ApiCrudScenario {
  static final String[] OPERATIONS = {"create", "get", "patch", "delete"};
  private final VertxApi api;
  private final BenchConfig config;
  private final Latencies latencies = new Latencies(OPERATIONS);
  private long measureFrom;
  private long stopAt;

  ApiCrudScenario(VertxApi api, BenchConfig config) {
    this.api = api;
    this.config = config;
  }

  Future<Latencies> run(List<String> keys) {
    long now = System.nanoTime();
    measureFrom = now + config.warmup().toNanos();
    stopAt = measureFrom + config.duration().toNanos();
    double rate = config.maxRequestsPerClientPerSecond();
    long minGapNanos = rate <= 0 ? 0 : (long) (1_000_000_000L / rate);
    return Future.all(keys.stream().map(key -> new Client(key, minGapNanos).loop()).toList()).map(latencies);
  }

  /** One simulated API user. */
  private final class Client {
    private final String key;
    private final long minGapNanos;
    private long nextStart = System.nanoTime();

    Client(String key, long minGapNanos) {
      this.key = key;
      this.minGapNanos = minGapNanos;
    }

    Future<Void> loop() {
      if (System.nanoTime() >= stopAt) {
        return Future.succeededFuture();
      }
      return call("create", 201, HttpMethod.POST, "/v1/threads", new JsonObject().put("title", "bench thread"),
              reply -> reply.json().getString("id"))
          .compose(id -> id == null ? Future.succeededFuture()
              : call("get", 200, HttpMethod.GET, "/v1/threads/" + id, null, r -> id)
                  .compose(v -> call("patch", 200, HttpMethod.PATCH, "/v1/threads/" + id,
                      new JsonObject().put("title", "bench thread, renamed"), r -> id))
                  .compose(v -> call("delete", 204, HttpMethod.DELETE, "/v1/threads/" + id, null, r -> id)))
          .compose(v -> loop());
    }

    /** Sends one request after the pacing gap; completes with null when it failed. */
    private <T> Future<T> call(String operation, int expected, HttpMethod method, String path, JsonObject body,
        Function<VertxApi.Reply, T> onSuccess) {
      long wait = nextStart - System.nanoTime();
      Future<Void> paced = Future.succeededFuture();
      if (wait > 1_000_000) {
        Promise<Void> timer = Promise.promise();
        api.vertx().setTimer(wait / 1_000_000, t -> timer.complete());
        paced = timer.future();
      }
      return paced.compose(v -> {
        long start = System.nanoTime();
        nextStart = start + minGapNanos;
        return api.call(method, path, key, body).transform(done -> {
          long elapsed = System.nanoTime() - start;
          boolean measured = start >= measureFrom && start < stopAt;
          VertxApi.Reply reply = done.succeeded() ? done.result() : null;
          if (reply != null && reply.status() == expected) {
            if (measured) {
              latencies.success(operation, elapsed);
            }
            return Future.succeededFuture(onSuccess.apply(reply));
          }
          if (measured) {
            latencies.failure(operation, elapsed, reply == null ? 0 : reply.status());
          }
          return Future.succeededFuture(null);
        });
      });
    }
  }
}
