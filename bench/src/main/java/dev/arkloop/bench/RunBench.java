package dev.arkloop.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The run-plane scenarios: {@code event_latency} (worker append to SSE receipt), {@code sse_hold}
 * (many subscribers of one run), {@code worker_runs} (many stub runs end to end), {@code webhook_burst}
 * (the webhook deliveries of a burst of runs, {@link WebhookBurst}). Each returns a JSON
 * report with its configuration, percentiles and a pass/fail against the targets.
 */
final class RunBench {
  static final List<String> SCENARIOS = List.of("event_latency", "sse_hold", "worker_runs", WebhookBurst.SCENARIO);
  private static final long LATENCY_TARGET_P99_MS = 5;
  private static final long LATENCY_UNDER_LOAD_TARGET_P99_MS = 20;
  private static final long HEAP_LIMIT_BYTES = 1L << 30;

  private RunBench() {}

  static JsonObject run(BenchConfig config) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      VertxApi api = new VertxApi(vertx, config.url(), Math.max(64, config.clients() + config.loadClients() + 16));
      return switch (config.scenario()) {
        case "event_latency" -> eventLatency(api, config);
        case "sse_hold" -> sseHold(vertx, api, config);
        case WebhookBurst.SCENARIO -> WebhookBurst.run(vertx, api, config);
        default -> workerRuns(api, config);
      };
    } finally {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  /**
   * {@code clients} clients, each running one run after another (300 deltas 10 ms apart) and
   * following it over SSE, for the warm-up and then the measured time; latency = receipt time - the
   * event's {@code created_at} (stamped, to the microsecond, by the worker when it appends). Only
   * deltas received in the measured time count.
   */
  private static JsonObject eventLatency(VertxApi api, BenchConfig config) throws Exception {
    List<String> keys = await(api.signUpWithKeys(config.clients()));
    List<String> loadKeys = config.loadClients() > 0 ? await(api.signUpWithKeys(config.loadClients())) : List.of();
    List<Long> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    long measureFrom = VertxApi.epochMicros() + config.warmup().toNanos() / 1_000;
    long measureUntil = measureFrom + config.duration().toNanos() / 1_000;
    AtomicInteger failures = new AtomicInteger();
    List<Future<Void>> clients = new ArrayList<>();
    for (String key : keys) {
      Promise<Void> done = Promise.promise();
      latencyRuns(api, key, measureFrom, measureUntil, samples, failures, done);
      clients.add(done.future());
    }
    // background load: stub runs back to back until the measured time ends; only those completed in it count
    RunCounter load = new RunCounter(() -> VertxApi.epochMicros() < measureUntil,
        completedAt -> completedAt >= measureFrom && completedAt < measureUntil)
        .paced(config.loadRate() <= 0 ? 0 : (long) (1e9 * loadKeys.size() / config.loadRate()));
    for (String key : loadKeys) {
      clients.add(load.client(api, key));
    }
    NodeCpu cpu = new NodeCpu(config.nodePid());
    long untilMeasured = Math.max(1, (measureFrom - VertxApi.epochMicros()) / 1_000);
    api.vertx().setTimer(untilMeasured, t -> cpu.start());
    await(Future.all(clients), (int) (config.warmup().toSeconds() + config.duration().toSeconds()) + 120);
    long[] values = samples.stream().mapToLong(Long::longValue).sorted().toArray();
    JsonObject latency = percentiles(values, 1_000);
    JsonObject results = new JsonObject().put("warmup_s", config.warmup().toSeconds())
        .put("measured_s", config.duration().toSeconds())
        .put("events", values.length).put("failed_runs", failures.get())
        .put("latency_ms", latency);
    if (!loadKeys.isEmpty()) {
      results.put("load", new JsonObject().put("clients", loadKeys.size()).put("offered_runs_per_second",
              config.loadRate() <= 0 ? null : config.loadRate())
          .put("runs_completed_measured", load.measured.size()).put("failures", load.failures.get())
          .put("failure_reasons", new JsonObject(new java.util.HashMap<>(load.reasons)))
          .put("runs_per_second", Math.round(load.measured.size() * 10.0 / config.duration().toSeconds()) / 10.0));
    }
    results.put("cpu", cpu.report(loadKeys.isEmpty() ? values.length : load.measured.size(),
        loadKeys.isEmpty() ? "event" : "run"));
    long targetMs = loadKeys.isEmpty() ? LATENCY_TARGET_P99_MS : LATENCY_UNDER_LOAD_TARGET_P99_MS;
    return report(config, results,
        values.length > 0 && failures.get() == 0 && load.failures.get() == 0 && latency.getDouble("p99") < targetMs,
        "p99 < " + targetMs + " ms" + (loadKeys.isEmpty() ? "" : " under load, zero failed runs"));
  }

  private static void latencyRuns(VertxApi api, String key, long measureFrom, long measureUntil, List<Long> samples,
      AtomicInteger failures, Promise<Void> done) {
    if (VertxApi.epochMicros() >= measureUntil) {
      done.complete();
      return;
    }
    api.thread(key, "latency /tokens 300 /delay 10").compose(thread -> api.run(key, thread))
        .compose(run -> api.follow(run, key, (event, received) -> {
          if ("message.delta".equals(event.getString("type")) && received >= measureFrom && received < measureUntil) {
            samples.add(received - VertxApi.epochMicros(Instant.parse(event.getString("created_at"))));
          }
        }))
        .onComplete(result -> {
          if (result.failed()) {
            failures.incrementAndGet();
          }
          latencyRuns(api, key, measureFrom, measureUntil, samples, failures, done);
        });
  }

  /**
   * {@code clients} SSE subscribers of one ~65 s run, all signed in as one user with an access token
   * (as browser viewers are); all must stay connected and see every event.
   */
  private static JsonObject sseHold(Vertx vertx, VertxApi api, BenchConfig config) throws Exception {
    String key = await(api.signUp());
    String run = await(api.thread(key, "hold /tokens 650 /delay 100").compose(thread -> api.run(key, thread)));
    AtomicInteger connected = new AtomicInteger();
    AtomicInteger complete = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    java.util.Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
    List<Future<Integer>> streams = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < config.clients(); i++) {
      AtomicLong lastSeq = new AtomicLong();
      boolean[] ordered = {true};
      streams.add(api.follow(run, key, (event, received) -> {
        long seq = event.getLong("seq");
        if (seq == 1) {
          connected.incrementAndGet();
        }
        ordered[0] &= seq == lastSeq.get() + 1;
        lastSeq.set(seq);
        if ("run.completed".equals(event.getString("type")) && ordered[0]) {
          complete.incrementAndGet();
        }
      }).onFailure(e -> {
        failed.incrementAndGet();
        failures.merge(String.valueOf(e.getMessage()), 1, Integer::sum);
      }));
      if (i % 200 == 199) {
        Thread.sleep(50); // ramp: no accept-queue overflow
      }
    }
    long rampMillis = (System.nanoTime() - started) / 1_000_000;
    AtomicLong maxHeap = new AtomicLong();
    long sampler = vertx.setPeriodic(2_000, t -> api.serverHeapBytes(config.metricsUrl()).onSuccess(heap -> maxHeap.accumulateAndGet(heap,
        Math::max)));
    await(Future.join(streams).otherwiseEmpty(), 180); // failures are counted, not fatal
    vertx.cancelTimer(sampler);
    boolean pass = complete.get() == config.clients() && maxHeap.get() > 0 && maxHeap.get() < HEAP_LIMIT_BYTES;
    return report(config, new JsonObject()
            .put("subscribers", config.clients())
            .put("ramp_ms", rampMillis)
            .put("connected", connected.get())
            .put("held_to_the_end_gapless", complete.get())
            .put("failed", failed.get())
            .put("failure_reasons", new JsonObject(new java.util.HashMap<>(failures)))
            .put("held_pct", 100.0 * complete.get() / config.clients())
            .put("server_max_heap_mib", maxHeap.get() / (1024 * 1024)),
        pass, "100% held gapless, server heap < 1 GiB");
  }

  /**
   * {@code --warmup-runs} unmeasured stub runs (20 deltas, no delay), then {@code --runs} measured ones,
   * created by {@code clients} concurrent clients; each client creates a thread, starts a run and
   * follows it to its end. Reports the measured runs per second, create to completed percentiles and
   * the node's CPU milliseconds per run.
   */
  private static JsonObject workerRuns(VertxApi api, BenchConfig config) throws Exception {
    List<String> keys = await(api.signUpWithKeys(config.clients()));
    JsonObject warmup = new JsonObject().put("runs", config.warmupRuns());
    if (config.warmupRuns() > 0) {
      RunCounter warming = RunCounter.upTo(config.warmupRuns());
      long started = System.nanoTime();
      await(Future.all(keys.stream().map(key -> warming.client(api, key)).toList()), 900);
      double seconds = (System.nanoTime() - started) / 1e9;
      warmup.put("failures", warming.failures.get())
          .put("failure_reasons", new JsonObject(new java.util.HashMap<>(warming.reasons)))
          .put("runs_per_second", Math.round(warming.measured.size() / seconds * 10) / 10.0);
    }
    NodeCpu cpu = new NodeCpu(config.nodePid());
    cpu.start();
    long chunksBefore = api.sseChunks.get();
    RunCounter measured = RunCounter.upTo(config.runs());
    long started = System.nanoTime();
    await(Future.all(keys.stream().map(key -> measured.client(api, key)).toList()), 900);
    double seconds = (System.nanoTime() - started) / 1e9;
    long[] values = measured.measured.stream().mapToLong(Long::longValue).sorted().toArray();
    return report(config, new JsonObject()
            .put("warmup", warmup)
            .put("runs", config.runs())
            .put("completed", values.length)
            .put("failures", measured.failures.get())
            .put("failure_reasons", new JsonObject(new java.util.HashMap<>(measured.reasons)))
            .put("elapsed_s", Math.round(seconds * 10) / 10.0)
            .put("runs_per_second", Math.round(values.length / seconds * 10) / 10.0)
            .put("create_to_completed_ms", percentiles(values, 1_000_000))
            .put("sse_chunks_per_run", Math.round((api.sseChunks.get() - chunksBefore) * 10.0 / Math.max(1, values.length)) / 10.0)
            .put("cpu", cpu.report(values.length, "run")),
        measured.failures.get() == 0 && values.length == config.runs(), "zero failures");
  }

  /**
   * Stub runs (20 deltas, no delay) one after another per client while {@code more} allows: each
   * creates a thread and a run and follows its SSE stream to {@code run.completed}. Keeps the create to
   * completed time of every run whose completion (epoch microseconds) {@code counts}.
   */
  private static final class RunCounter {
    final List<Long> measured = java.util.Collections.synchronizedList(new ArrayList<>());
    final AtomicInteger failures = new AtomicInteger();
    final java.util.Map<String, Integer> reasons = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.function.BooleanSupplier more;
    private final java.util.function.LongPredicate counts;
    /** The least time between two run starts of one client (0 = back to back). */
    private long startGapNanos;

    RunCounter(java.util.function.BooleanSupplier more, java.util.function.LongPredicate counts) {
      this.more = more;
      this.counts = counts;
    }

    static RunCounter upTo(int total) {
      AtomicInteger next = new AtomicInteger();
      return new RunCounter(() -> next.getAndIncrement() < total, completedAt -> true);
    }

    RunCounter paced(long startGapNanos) {
      this.startGapNanos = startGapNanos;
      return this;
    }

    Future<Void> client(VertxApi api, String key) {
      Promise<Void> done = Promise.promise();
      // paced clients start spread over one gap, not all at once
      long offset = startGapNanos == 0 ? 0 : java.util.concurrent.ThreadLocalRandom.current().nextLong(startGapNanos);
      nextRun(api, key, done, System.nanoTime() + offset);
      return done.future();
    }

    private void nextRun(VertxApi api, String key, Promise<Void> done, long startAt) {
      long wait = startAt - System.nanoTime();
      if (wait > 1_000_000) {
        api.vertx().setTimer(wait / 1_000_000, t -> nextRun(api, key, done, startAt));
        return;
      }
      if (!more.getAsBoolean()) {
        done.complete();
        return;
      }
      long nextStart = System.nanoTime() + startGapNanos;
      api.thread(key, "bench /tokens 20 /delay 0").compose(thread -> {
        long created = System.nanoTime();
        boolean[] completed = {false};
        return api.run(key, thread).compose(run -> api.follow(run, key, (event, received) -> {
          if ("run.completed".equals(event.getString("type"))) {
            completed[0] = true;
            if (counts.test(received)) {
              measured.add(System.nanoTime() - created);
            }
          }
        })).map(events -> completed[0]);
      }).onComplete(result -> {
        if (result.failed() || !result.result()) {
          failures.incrementAndGet();
          reasons.merge(result.failed() ? String.valueOf(result.cause().getMessage()) : "ended without run.completed", 1,
              Integer::sum);
        }
        nextRun(api, key, done, nextStart);
      });
    }
  }

  /** Percentiles in milliseconds of samples in units of {@code 1 / perMillisecond} ms, to 0.01 ms. */
  static JsonObject percentiles(long[] sorted, long perMillisecond) {
    if (sorted.length == 0) {
      return new JsonObject();
    }
    return new JsonObject()
        .put("p50", millis(sorted[(int) (sorted.length * 0.50)], perMillisecond))
        .put("p90", millis(sorted[(int) (sorted.length * 0.90)], perMillisecond))
        .put("p99", millis(sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))], perMillisecond))
        .put("max", millis(sorted[sorted.length - 1], perMillisecond))
        .put("mean", millis(Arrays.stream(sorted).average().orElse(0), perMillisecond));
  }

  private static double millis(double value, long perMillisecond) {
    return Math.round(value / perMillisecond * 100) / 100.0;
  }

  static JsonObject report(BenchConfig config, JsonObject results, boolean pass, String target) {
    return new JsonObject()
        .put("config", new JsonObject().put("scenario", config.scenario()).put("url", config.url().toString())
            .put("clients", config.clients()).put("load_clients", config.loadClients()))
        .put("client_machine", new JsonObject().put("cores", Runtime.getRuntime().availableProcessors())
            .put("java", System.getProperty("java.version")))
        .put("results", results)
        .put("target", target)
        .put("pass", pass);
  }

  private static <T> T await(Future<T> future) throws Exception {
    return await(future, 120);
  }

  private static <T> T await(Future<T> future, int seconds) throws Exception {
    return future.await(seconds, TimeUnit.SECONDS);
  }
}
