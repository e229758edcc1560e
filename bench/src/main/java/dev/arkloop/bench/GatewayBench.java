package dev.arkloop.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the gateway costs ({@code bench/gateway-bench.sh}). The request is AuthBench's {@code jwt} one
 * (GET /v1/admin/email/status with an access token: authentication, IP rules, rate limit and the
 * permission check, no database call), sent direct to the API and through the gateway by a
 * non-blocking Vert.x client on one event loop, so the load generator takes little of the shared cores:
 * <ol>
 *   <li>{@code saturation}: {@code --concurrency} closed-loop clients, in {@code --rounds} alternating
 *       rounds of {@code --seconds} per side: the throughput ratio (gateway ÷ direct), the added p50/p99,
 *       and the CPU milliseconds per request of the node (API and gateway), its children (Redis,
 *       PostgreSQL) and the load generator, which together bound the ratio on a machine whose cores are
 *       the limit;</li>
 *   <li>{@code fixed_rate}: an open loop at {@code --rate} requests/s (below saturation), alternating
 *       the same way: the latency the gateway adds when neither path queues for a core;</li>
 *   <li>{@code sse}: {@code --sse-clients} stub runs at a time (300 deltas 10 ms apart), each followed
 *       by two SSE clients at once, one direct and one through the gateway: per event, its receipt
 *       through the gateway minus its receipt direct (and both against the event's {@code created_at},
 *       as RunBench's event_latency does).</li>
 * </ol>
 * Prints one JSON object per part and a summary: {@code pass} = at most 1 ms added at the median and
 * 80 % of the direct throughput at saturation, and at most 1 ms added per SSE event at p99.
 */
public final class GatewayBench {
  private static final String PATH = "/v1/admin/email/status";
  private final Vertx vertx;
  private final Context context;
  private final HttpClient http;
  private final URI direct;
  private final URI gateway;
  private final Map<String, String> args;
  private final long nodePid;
  private String token;

  private GatewayBench(Map<String, String> args) {
    this.args = args;
    this.vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    this.context = vertx.getOrCreateContext();
    this.http = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0),
        new PoolOptions().setHttp1MaxSize(Math.max(64, number("--concurrency", 16))).setMaxWaitQueueSize(-1));
    this.direct = URI.create(args.getOrDefault("--base-url", "http://127.0.0.1:19001"));
    this.gateway = URI.create(args.getOrDefault("--gateway-url", "http://127.0.0.1:19000"));
    this.nodePid = Long.parseLong(args.getOrDefault("--node-pid", "0"));
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new LinkedHashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i], argv[i + 1]);
    }
    GatewayBench bench = new GatewayBench(args);
    try {
      bench.run(List.of(args.getOrDefault("--parts", "saturation,fixed_rate,sse").split(",")));
    } finally {
      bench.vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private int number(String flag, int defaultValue) {
    return Integer.parseInt(args.getOrDefault(flag, String.valueOf(defaultValue)));
  }

  private void run(List<String> parts) throws Exception {
    VertxApi api = new VertxApi(vertx, direct, 64);
    token = await(api.signUp()); // the node's first user: platform admin, which the jwt request needs
    int status = await(send(direct)).intValue();
    if (status != 200) {
      throw new IllegalStateException(PATH + " answered " + status + ": the bench user must be the first user");
    }
    JsonObject summary = new JsonObject().put("scenario", "gateway");
    boolean pass = true;
    for (String part : parts) {
      JsonObject report = switch (part.trim()) {
        case "saturation" -> saturation();
        case "fixed_rate" -> fixedRate();
        case "sse" -> sse(api);
        default -> throw new IllegalArgumentException("unknown part " + part);
      };
      System.out.println(report.encode());
      summary.put(part.trim(), report.getJsonObject("added"));
      pass &= report.getBoolean("pass", true);
    }
    System.out.println(summary.put("pass", pass).encode());
  }

  /** Answers the request's status; 0 when no answer came. */
  private Future<Integer> send(URI origin) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(origin.getHost())
        .setPort(origin.getPort()).setURI(PATH).addHeader("Authorization", "Bearer " + token).setTimeout(30_000);
    return http.request(options)
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> response.statusCode()))
        .recover(e -> Future.succeededFuture(0));
  }

  private JsonObject saturation() throws Exception {
    int concurrency = number("--concurrency", 16);
    long roundNanos = TimeUnit.SECONDS.toNanos(number("--seconds", 10));
    long warmupNanos = TimeUnit.SECONDS.toNanos(number("--warmup-seconds", 3));
    Sides sides = alternating((origin, nanos, side) -> closedLoop(origin, concurrency, nanos, side),
        warmupNanos, roundNanos);
    JsonObject d = sides.direct().report();
    JsonObject g = sides.gateway().report();
    double ratio = g.getDouble("throughput_rps") / d.getDouble("throughput_rps");
    JsonObject added = added(d, g).put("throughput_ratio", round(ratio));
    return new JsonObject().put("part", "saturation").put("concurrency", concurrency).put("direct", d)
        .put("gateway", g).put("added", added)
        .put("pass", added.getDouble("p50_ms") <= 1.0 && ratio >= 0.8 && d.getLong("errors") + g.getLong("errors") == 0);
  }

  private JsonObject fixedRate() throws Exception {
    int rate = number("--rate", 2000);
    long roundNanos = TimeUnit.SECONDS.toNanos(number("--seconds", 10));
    Sides sides = alternating((origin, nanos, side) -> openLoop(origin, rate, nanos, side),
        TimeUnit.SECONDS.toNanos(2), roundNanos);
    JsonObject d = sides.direct().report();
    JsonObject g = sides.gateway().report();
    JsonObject added = added(d, g);
    return new JsonObject().put("part", "fixed_rate").put("offered_rps", rate).put("direct", d).put("gateway", g)
        .put("added", added).put("pass", added.getDouble("p50_ms") <= 1.0);
  }

  /** One way of loading a target for a while, counting into a side. */
  private interface Load {
    void run(URI origin, long nanos, Side side) throws Exception;
  }

  private record Sides(Side direct, Side gateway) {}

  /** Warms up both targets (uncounted), then loads them in {@code --rounds} alternating rounds, direct first. */
  private Sides alternating(Load load, long warmupNanos, long roundNanos) throws Exception {
    load.run(direct, warmupNanos, new Side());
    load.run(gateway, warmupNanos, new Side());
    Sides sides = new Sides(new Side(), new Side());
    for (int round = 0; round < number("--rounds", 3); round++) {
      load.run(direct, roundNanos, sides.direct());
      load.run(gateway, roundNanos, sides.gateway());
    }
    return sides;
  }

  private static JsonObject added(JsonObject direct, JsonObject gateway) {
    JsonObject added = new JsonObject();
    for (String p : List.of("p50_ms", "p99_ms")) {
      added.put(p, round(gateway.getDouble(p) - direct.getDouble(p)));
    }
    JsonObject dc = direct.getJsonObject("cpu_ms_per_request");
    JsonObject gc = gateway.getJsonObject("cpu_ms_per_request");
    JsonObject cpu = new JsonObject();
    for (String key : dc.fieldNames()) {
      cpu.put(key, Math.round((gc.getDouble(key) - dc.getDouble(key)) * 1000) / 1000.0);
    }
    return added.put("cpu_ms_per_request", cpu);
  }

  /** Latencies, errors, elapsed time and CPU of one side (direct or gateway) over its rounds. */
  private final class Side {
    final Latencies latencies = new Latencies("request");
    long nanos;
    long requests;
    final long[] cpuNanos = new long[3];
    String loadStart;
    String loadEnd;

    void measure(Round round) throws Exception {
      ProcessCpu cpu = new ProcessCpu(nodePid);
      if (loadStart == null) {
        loadStart = NodeCpu.loadAverage();
      }
      long started = System.nanoTime();
      round.run();
      nanos += System.nanoTime() - started;
      long[] used = cpu.used();
      for (int i = 0; i < 3; i++) {
        cpuNanos[i] += used[i];
      }
      loadEnd = NodeCpu.loadAverage();
    }

    JsonObject report() {
      JsonObject request = latencies.toJson().getJsonObject("request");
      long count = request.getLong("requests");
      double perRequest = Math.max(1, count) * 1e6;
      return request.put("seconds", round(nanos / 1e9)).put("throughput_rps", round(count / (nanos / 1e9)))
          .put("cpu_ms_per_request", new JsonObject()
              .put("node", Math.round(cpuNanos[0] / perRequest * 1000) / 1000.0)
              .put("node_children", Math.round(cpuNanos[1] / perRequest * 1000) / 1000.0)
              .put("load_generator", Math.round(cpuNanos[2] / perRequest * 1000) / 1000.0))
          .put("load_average_start", loadStart).put("load_average_end", loadEnd);
    }
  }

  private interface Round {
    void run() throws Exception;
  }

  /** {@code workers} clients, each sending its next request when the last one is answered. */
  private void closedLoop(URI origin, int workers, long nanos, Side side) throws Exception {
    side.measure(() -> {
      Promise<Void> done = Promise.promise();
      context.runOnContext(v -> {
        long deadline = System.nanoTime() + nanos;
        int[] running = {workers};
        for (int w = 0; w < workers; w++) {
          next(origin, deadline, side.latencies, () -> {
            if (--running[0] == 0) {
              done.complete();
            }
          });
        }
      });
      done.future().await(nanos / 1_000_000 + 60_000, TimeUnit.MILLISECONDS);
    });
  }

  private void next(URI origin, long deadline, Latencies latencies, Runnable finished) {
    long sent = System.nanoTime();
    if (sent >= deadline) {
      finished.run();
      return;
    }
    send(origin).onComplete(status -> {
      record(latencies, System.nanoTime() - sent, status.result());
      next(origin, deadline, latencies, finished);
    });
  }

  private static void record(Latencies latencies, long nanos, int status) {
    if (status == 200) {
      latencies.success("request", nanos);
    } else {
      latencies.failure("request", nanos, status);
    }
  }

  /**
   * Requests at {@code rate} per second whatever the answers (an open loop), on a 1 ms timer; each
   * latency is taken from its own send.
   */
  private void openLoop(URI origin, int rate, long nanos, Side side) throws Exception {
    side.measure(() -> {
      Promise<Void> done = Promise.promise();
      context.runOnContext(v -> {
        long started = System.nanoTime();
        long total = rate * nanos / 1_000_000_000L;
        long[] issued = {0};
        long[] answered = {0};
        vertx.setPeriodic(1, timer -> {
          long due = Math.min(total, (System.nanoTime() - started) * rate / 1_000_000_000L);
          while (issued[0] < due) {
            issued[0]++;
            long sent = System.nanoTime();
            send(origin).onComplete(status -> {
              record(side.latencies, System.nanoTime() - sent, status.result());
              if (++answered[0] == total) {
                done.complete();
              }
            });
          }
          if (issued[0] == total) {
            vertx.cancelTimer(timer);
          }
        });
      });
      done.future().await(nanos / 1_000_000 + 60_000, TimeUnit.MILLISECONDS);
    });
  }

  /**
   * {@code --sse-clients} clients, each running stub runs one after another for the warm-up and the
   * measured time and following every run twice at once, direct and through the gateway. Only deltas
   * received in the measured time count.
   */
  private JsonObject sse(VertxApi api) throws Exception {
    int clients = number("--sse-clients", 4);
    long warmupMicros = TimeUnit.SECONDS.toMicros(number("--sse-warmup-seconds", 10));
    long measureFrom = VertxApi.epochMicros() + warmupMicros;
    long measureUntil = measureFrom + TimeUnit.SECONDS.toMicros(number("--sse-seconds", 20));
    VertxApi proxied = new VertxApi(vertx, gateway, 64);
    List<String> keys = await(api.signUpWithKeys(clients));
    SseSamples samples = new SseSamples(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    int[] failures = {0};
    List<Future<Void>> running = new ArrayList<>();
    for (String key : keys) {
      Promise<Void> done = Promise.promise();
      context.runOnContext(v -> followRuns(api, proxied, key, measureFrom, measureUntil,
          samples, failures, done));
      running.add(done.future());
    }
    Future.all(running).await((measureUntil - VertxApi.epochMicros()) / 1000 + 120_000, TimeUnit.MILLISECONDS);
    JsonObject added = RunBench.percentiles(sorted(samples.added()), 1_000);
    return new JsonObject().put("part", "sse").put("clients", clients).put("failed_runs", failures[0])
        .put("events", samples.added().size())
        .put("direct_latency_ms", RunBench.percentiles(sorted(samples.direct()), 1_000))
        .put("gateway_latency_ms", RunBench.percentiles(sorted(samples.gateway()), 1_000))
        .put("added", added)
        .put("pass", failures[0] == 0 && !samples.added().isEmpty() && added.getDouble("p99") <= 1.0);
  }

  /** Per event, in microseconds: receipt direct and through the gateway after created_at, and their difference. */
  private record SseSamples(List<Long> direct, List<Long> gateway, List<Long> added) {}

  private void followRuns(VertxApi api, VertxApi proxied, String key, long measureFrom, long measureUntil,
      SseSamples samples, int[] failures, Promise<Void> done) {
    if (VertxApi.epochMicros() >= measureUntil) {
      done.complete();
      return;
    }
    Map<Long, long[]> received = new HashMap<>(); // seq -> {created, direct receipt, gateway receipt}
    api.thread(key, "latency /tokens 300 /delay 10").compose(thread -> api.run(key, thread))
        .compose(run -> Future.all(
            api.follow(run, key, (event, at) -> note(received, event, at, 1)),
            proxied.follow(run, key, (event, at) -> note(received, event, at, 2))))
        .onComplete(result -> {
          if (result.failed()) {
            failures[0]++;
          }
          received.values().forEach(times -> {
            if (times[0] > 0 && times[1] > 0 && times[2] > 0
                && Math.max(times[1], times[2]) >= measureFrom && Math.max(times[1], times[2]) < measureUntil) {
              samples.direct().add(times[1] - times[0]);
              samples.gateway().add(times[2] - times[0]);
              samples.added().add(times[2] - times[1]);
            }
          });
          followRuns(api, proxied, key, measureFrom, measureUntil, samples, failures, done);
        });
  }

  private static void note(Map<Long, long[]> received, JsonObject event, long at, int side) {
    if ("message.delta".equals(event.getString("type"))) {
      long[] times = received.computeIfAbsent(event.getLong("seq"), seq -> new long[3]);
      times[0] = VertxApi.epochMicros(Instant.parse(event.getString("created_at")));
      times[side] = at;
    }
  }

  private static long[] sorted(List<Long> values) {
    return values.stream().mapToLong(Long::longValue).sorted().toArray();
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.await(120, TimeUnit.SECONDS);
  }
}
