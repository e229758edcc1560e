package dev.arkloop.bench;

import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code api_crud}: every client loops thread create → get → patch → delete, one request at a time
 * (closed loop), paced so it stays under the per-identity rate limit. Latencies count only after
 * the warm-up.
 */
final class ApiCrudScenario {
  static final String[] OPERATIONS = {"create", "get", "patch", "delete"};
  private final ApiClient api;
  private final BenchConfig config;
  private final Latencies latencies = new Latencies(OPERATIONS);
  private volatile long measureFrom;
  private volatile long stopAt;

  ApiCrudScenario(ApiClient api, BenchConfig config) {
    this.api = api;
    this.config = config;
  }

  Latencies run(List<String> keys) {
    long now = System.nanoTime();
    measureFrom = now + config.warmup().toNanos();
    stopAt = measureFrom + config.duration().toNanos();
    double rate = config.maxRequestsPerClientPerSecond();
    long minGapNanos = rate <= 0 ? 0 : (long) (1_000_000_000L / rate);
    CompletableFuture<?>[] clients = keys.stream()
        .map(key -> new Client(key, minGapNanos).loop())
        .toArray(CompletableFuture[]::new);
    CompletableFuture.allOf(clients).orTimeout(config.duration().plus(config.warmup()).toSeconds() + 60,
        TimeUnit.SECONDS).join();
    return latencies;
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

    CompletableFuture<Void> loop() {
      if (System.nanoTime() >= stopAt) {
        return CompletableFuture.completedFuture(null);
      }
      return call("create", 201, "POST", "/v1/threads", new JsonObject().put("title", "bench thread"),
              response -> new JsonObject(response.body()).getString("id"))
          .thenCompose(id -> id == null ? CompletableFuture.completedFuture(null)
              : call("get", 200, "GET", "/v1/threads/" + id, null, r -> id)
                  .thenCompose(v -> call("patch", 200, "PATCH", "/v1/threads/" + id,
                      new JsonObject().put("title", "bench thread, renamed"), r -> id))
                  .thenCompose(v -> call("delete", 204, "DELETE", "/v1/threads/" + id, null, r -> id)))
          .thenCompose(v -> loop());
    }

    /** Sends one request after the pacing gap; completes with null when it failed. */
    private <T> CompletableFuture<T> call(String operation, int expected, String method, String path,
        JsonObject body, Function<HttpResponse<String>, T> onSuccess) {
      long wait = nextStart - System.nanoTime();
      CompletableFuture<Void> paced = wait <= 0 ? CompletableFuture.completedFuture(null)
          : CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(wait, TimeUnit.NANOSECONDS));
      return paced.thenCompose(v -> {
        long start = System.nanoTime();
        nextStart = start + minGapNanos;
        return api.send(method, path, key, body).handle((response, failure) -> {
          long elapsed = System.nanoTime() - start;
          boolean measured = start >= measureFrom && start < stopAt;
          if (failure == null && response.statusCode() == expected) {
            if (measured) {
              latencies.success(operation, elapsed);
            }
            return onSuccess.apply(response);
          }
          if (measured) {
            latencies.failure(operation, elapsed, failure == null ? response.statusCode() : 0);
          }
          return null;
        });
      });
    }
  }
}
