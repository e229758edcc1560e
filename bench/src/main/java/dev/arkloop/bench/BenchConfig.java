package dev.arkloop.bench;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;

/** What one benchmark run does, from the command line. */
record BenchConfig(
    String scenario,
    URI url,
    int clients,
    Duration duration,
    Duration warmup,
    double maxRequestsPerClientPerSecond,
    double maxErrorRate,
    long maxP99Millis,
    Duration waitReady,
    String out,
    URI metricsUrl,
    int runs,
    int warmupRuns,
    int loadClients,
    double loadRate,
    long nodePid) {

  static final String USAGE = """
      usage: java -jar bench/target/arkloop-bench.jar <scenario> [options]
        scenarios: api_crud       thread create -> get -> patch -> delete, one loop per client
                   event_latency  worker append -> SSE receipt, --clients parallel runs (defaults: 4
                                  clients, 30 s warm-up while the JIT settles, 30 s measured)
                   sse_hold       --clients SSE subscribers of one 65 s run (try 10000)
                   worker_runs    --warmup-runs unmeasured, then --runs measured stub runs (20 deltas, no
                                  delay) by --clients clients (try 200)
                   webhook_burst  1000 stub runs created at once by --clients clients, each delivering
                                  run.completed to a local receiver the bench starts (needs the node's
                                  ARKLOOP_WEBHOOKS_ALLOW_PRIVATE=1; bench/run.sh sets it)
        --url URL                 server (default http://127.0.0.1:19001)
        --metrics-url URL         the server's management address, where /metrics is (default http://127.0.0.1:19091)
        --clients N               concurrent clients (default 200)
        --duration SECONDS        measured time (default 25)
        --warmup SECONDS          unmeasured time before it (default 5)
        --max-rps-per-client R    pace each client below the per-identity rate limit (default 18; 0 = unpaced)
        --max-error-rate F        pass threshold (default 0.001)
        --max-p99-ms MS           pass threshold for every operation's p99 (default 1000)
        --wait-ready SECONDS      wait for GET /readyz first (default 180)
        --out FILE                also write the JSON report to FILE
        --runs N                  worker_runs: measured runs (default 1000)
        --warmup-runs N           worker_runs: unmeasured runs first, while the JIT settles (default 5000)
        --load-clients N          event_latency: also run worker_runs-style stub runs by N clients for the
                                  whole time, and report their rate beside the latency (default 0)
        --load-rate R             event_latency: the load clients start at most R runs per second in all
                                  (default 0 = each starts its next run when the last one ended)
        --node-pid PID            the node's process: its CPU time (/proc/PID/stat) is reported per run or
                                  per request of the measured part (bench/run.sh passes it)""";

  static BenchConfig parse(String[] args) {
    if (args.length == 0 || args[0].startsWith("-")) {
      throw new IllegalArgumentException(USAGE);
    }
    String scenario = args[0];
    URI url = URI.create("http://127.0.0.1:19001");
    URI metricsUrl = URI.create("http://127.0.0.1:19091");
    boolean latency = scenario.equals("event_latency");
    int clients = latency ? 4 : 200;
    double duration = latency ? 30 : 25;
    double warmup = latency ? 30 : 5;
    double rps = 18;
    double maxErrorRate = 0.001;
    long maxP99 = 1000;
    double waitReady = 180;
    String out = null;
    int runs = 1000;
    int warmupRuns = 5000;
    int loadClients = 0;
    double loadRate = 0;
    long nodePid = 0;
    for (int i = 1; i < args.length; i++) {
      String flag = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
      }
      String value = args[++i];
      switch (flag) {
        case "--url" -> url = URI.create(value.endsWith("/") ? value.substring(0, value.length() - 1) : value);
        case "--clients" -> clients = Integer.parseInt(value);
        case "--duration" -> duration = Double.parseDouble(value);
        case "--warmup" -> warmup = Double.parseDouble(value);
        case "--max-rps-per-client" -> rps = Double.parseDouble(value);
        case "--max-error-rate" -> maxErrorRate = Double.parseDouble(value);
        case "--max-p99-ms" -> maxP99 = Long.parseLong(value);
        case "--wait-ready" -> waitReady = Double.parseDouble(value);
        case "--out" -> out = value;
        case "--metrics-url" -> metricsUrl = URI.create(value);
        case "--runs" -> runs = Integer.parseInt(value);
        case "--warmup-runs" -> warmupRuns = Integer.parseInt(value);
        case "--load-clients" -> loadClients = Integer.parseInt(value);
        case "--load-rate" -> loadRate = Double.parseDouble(value);
        case "--node-pid" -> nodePid = Long.parseLong(value);
        default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
      }
    }
    return new BenchConfig(scenario, url, clients, seconds(duration), seconds(warmup), rps, maxErrorRate, maxP99,
        seconds(waitReady), out, metricsUrl, runs, warmupRuns, loadClients, loadRate, nodePid);
  }

  private static Duration seconds(double value) {
    return Duration.ofMillis((long) (value * 1000));
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("scenario", scenario)
        .put("url", url.toString())
        .put("clients", clients)
        .put("duration_s", duration.toMillis() / 1000.0)
        .put("warmup_s", warmup.toMillis() / 1000.0)
        .put("max_rps_per_client", maxRequestsPerClientPerSecond)
        .put("thresholds", new JsonObject().put("max_error_rate", maxErrorRate).put("max_p99_ms", maxP99Millis));
  }
}
