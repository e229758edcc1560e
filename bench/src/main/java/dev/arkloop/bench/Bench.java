package dev.arkloop.bench;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Load generator: runs a scenario against a running server and prints one JSON report (config,
 * latency percentiles per operation, error rate, throughput, pass/fail). Exit code 0 = pass.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    BenchConfig config;
    try {
      config = BenchConfig.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    if (!"api_crud".equals(config.scenario()) && !RunBench.SCENARIOS.contains(config.scenario())) {
      System.err.println("unknown scenario " + config.scenario() + "\n" + BenchConfig.USAGE);
      System.exit(2);
    }
    Vertx vertx = Vertx.vertx();
    VertxApi api = new VertxApi(vertx, config.url(), config.clients() + 16);
    try {
      api.awaitReady(config.waitReady().toMillis()).await();
    } catch (RuntimeException notReady) {
      System.err.println(notReady.getMessage());
      System.exit(2);
    }
    if (RunBench.SCENARIOS.contains(config.scenario())) {
      JsonObject report = RunBench.run(config);
      System.out.println(report.encodePrettily());
      if (config.out() != null) {
        Files.writeString(Path.of(config.out()), report.encodePrettily() + "\n");
      }
      System.exit(report.getBoolean("pass") ? 0 : 1);
    }
    List<String> keys = api.signUpWithKeys(config.clients()).await(120, TimeUnit.SECONDS);

    long started = System.nanoTime();
    NodeCpu cpu = new NodeCpu(config.nodePid());
    vertx.setTimer(Math.max(1, config.warmup().toMillis()), t -> cpu.start()); // the measured part only
    Latencies latencies = new ApiCrudScenario(api, config).run(keys)
        .await(config.duration().plus(config.warmup()).toSeconds() + 60, TimeUnit.SECONDS);
    double elapsed = (System.nanoTime() - started) / 1e9;

    JsonObject report = report(config, latencies, elapsed).put("cpu", cpu.report(latencies.requests(), "request"));
    System.out.println(report.encodePrettily());
    if (config.out() != null) {
      Files.writeString(Path.of(config.out()), report.encodePrettily() + "\n");
    }
    vertx.close();
    System.exit(report.getBoolean("pass") ? 0 : 1);
  }

  private static JsonObject report(BenchConfig config, Latencies latencies, double elapsedSeconds) {
    long requests = latencies.requests();
    long errors = latencies.errors();
    double errorRate = requests == 0 ? 1.0 : (double) errors / requests;
    boolean pass = requests > 0 && errorRate <= config.maxErrorRate()
        && latencies.worstP99Millis() <= config.maxP99Millis();
    return new JsonObject()
        .put("config", config.toJson())
        .put("client_machine", new JsonObject()
            .put("cores", Runtime.getRuntime().availableProcessors())
            .put("java", System.getProperty("java.version")))
        .put("operations", latencies.toJson())
        .put("requests", requests)
        .put("errors", errors)
        .put("error_rate", Math.round(errorRate * 1e6) / 1e6)
        .put("throughput_rps", Math.round(requests * 10_000.0 / config.duration().toMillis()) / 10.0)
        .put("elapsed_s", Math.round(elapsedSeconds * 10) / 10.0)
        .put("pass", pass);
  }
}
