package dev.arkloop.bench;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Latency samples and failures per operation; thread-safe, summarised once at the end. */
final class Latencies {
  private final Map<String, Samples> byOperation = new LinkedHashMap<>();

  Latencies(String... operations) {
    for (String operation : operations) {
      byOperation.put(operation, new Samples());
    }
  }

  void success(String operation, long nanos) {
    byOperation.get(operation).add(nanos);
  }

  /** {@code status} 0 = no HTTP answer (connection failure or timeout). */
  void failure(String operation, long nanos, int status) {
    byOperation.get(operation).fail(nanos, status);
  }

  long requests() {
    return byOperation.values().stream().mapToLong(Samples::requests).sum();
  }

  long errors() {
    return byOperation.values().stream().mapToLong(Samples::errors).sum();
  }

  long worstP99Millis() {
    return byOperation.values().stream().mapToLong(samples -> samples.percentileNanos(0.99) / 1_000_000).max()
        .orElse(0);
  }

  JsonObject toJson() {
    JsonObject json = new JsonObject();
    byOperation.forEach((operation, samples) -> json.put(operation, samples.toJson()));
    return json;
  }

  private static final class Samples {
    private long[] nanos = new long[1 << 16];
    private int count;
    private long errors;
    private final Map<Integer, Long> errorStatuses = new TreeMap<>();

    synchronized void add(long value) {
      if (count == nanos.length) {
        nanos = Arrays.copyOf(nanos, count * 2);
      }
      nanos[count++] = value;
    }

    synchronized void fail(long value, int status) {
      add(value);
      errors++;
      errorStatuses.merge(status, 1L, Long::sum);
    }

    synchronized long requests() {
      return count;
    }

    synchronized long errors() {
      return errors;
    }

    synchronized long percentileNanos(double quantile) {
      if (count == 0) {
        return 0;
      }
      long[] sorted = Arrays.copyOf(nanos, count);
      Arrays.sort(sorted);
      return sorted[Math.min(count - 1, (int) Math.ceil(quantile * count) - 1)];
    }

    synchronized JsonObject toJson() {
      JsonObject statuses = new JsonObject();
      errorStatuses.forEach((status, n) -> statuses.put(String.valueOf(status), n));
      return new JsonObject()
          .put("requests", count)
          .put("errors", errors)
          .put("error_statuses", statuses)
          .put("p50_ms", millis(percentileNanos(0.50)))
          .put("p90_ms", millis(percentileNanos(0.90)))
          .put("p99_ms", millis(percentileNanos(0.99)))
          .put("max_ms", millis(percentileNanos(1.0)));
    }

    private static double millis(long nanos) {
      return Math.round(nanos / 10_000.0) / 100.0;
    }
  }
}
