package dev.arkloop.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What authentication costs: password logins per second (Argon2id), and the latency a request pays
 * for a JWT or an API key compared with an endpoint that checks nothing. Runs against a node started
 * on a fresh data directory (the bench's user must be its first, platform-admin user); see
 * {@code bench/auth-bench.sh}. Prints one JSON object per scenario.
 *
 * <p>Scenarios: {@code healthz} (no auth, baseline), {@code public} (a public /v1/auth route: the
 * per-address limiter), {@code jwt} and {@code api_key} (GET /v1/admin/email/status: authentication,
 * IP rules, rate limit, permission check and nothing else) and {@code login}. What the gateway adds to
 * the {@code jwt} request is {@link GatewayBench}'s.
 */
public final class AuthBench {
  private static final Pattern STRING_FIELD = Pattern.compile("\"(access_token|key)\"\\s*:\\s*\"([^\"]+)\"");
  private static final String PASSWORD = "bench password 123";

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final int rounds;
  private final int concurrency;
  private final int seconds;
  private final int warmupSeconds;
  private final int loginConcurrency;
  private final int logins;

  private AuthBench(Map<String, String> args) {
    this.base = args.getOrDefault("--base-url", "http://127.0.0.1:19001");
    this.rounds = Integer.parseInt(args.getOrDefault("--rounds", "3"));
    this.concurrency = Integer.parseInt(args.getOrDefault("--concurrency", "16"));
    this.seconds = Integer.parseInt(args.getOrDefault("--seconds", "10"));
    this.warmupSeconds = Integer.parseInt(args.getOrDefault("--warmup-seconds", "15"));
    this.loginConcurrency = Integer.parseInt(args.getOrDefault("--login-concurrency", "4"));
    this.logins = Integer.parseInt(args.getOrDefault("--logins", "300"));
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new LinkedHashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      args.put(argv[i], argv[i + 1]);
    }
    List<String> scenarios = List.of(args.getOrDefault("--scenarios", "healthz,public,jwt,api_key,login").split(","));
    new AuthBench(args).run(scenarios);
  }

  private void run(List<String> scenarios) throws Exception {
    String login = "bench" + Long.toHexString(System.nanoTime());
    String token = field(send(post("/v1/auth/register", "{\"login\":\"" + login + "\",\"password\":\"" + PASSWORD
        + "\",\"email\":\"" + login + "@bench.test\"}", null), 201), "access_token");
    String key = field(send(post("/v1/api-keys", "{\"name\":\"bench\"}", token), 201), "key");
    send(get("/v1/admin/email/status", token), 200); // fails unless the bench user is platform admin
    for (String scenario : scenarios) {
      Map<String, Object> result = switch (scenario.trim()) {
        case "healthz" -> timed("healthz", concurrency, () -> get("/healthz", null));
        case "public" -> timed("public", concurrency, () -> get("/v1/auth/captcha-config", null));
        case "jwt" -> timed("jwt", concurrency, () -> get("/v1/admin/email/status", token));
        case "api_key" -> timed("api_key", concurrency, () -> get("/v1/admin/email/status", key));
        case "login" -> counted("login", loginConcurrency, logins, () -> post("/v1/auth/login",
            "{\"login\":\"" + login + "\",\"password\":\"" + PASSWORD + "\"}", null));
        default -> throw new IllegalArgumentException("unknown scenario " + scenario);
      };
      System.out.println(json(result));
    }
  }

  private HttpRequest get(String path, String bearer) {
    return get(base, path, bearer);
  }

  private HttpRequest get(String origin, String path, String bearer) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(origin + path)).timeout(Duration.ofSeconds(30)).GET();
    if (bearer != null) {
      builder.header("Authorization", "Bearer " + bearer);
    }
    return builder.build();
  }

  private HttpRequest post(String path, String body, String bearer) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (bearer != null) {
      builder.header("Authorization", "Bearer " + bearer);
    }
    return builder.build();
  }

  private String send(HttpRequest request, int expected) throws Exception {
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(request.uri() + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private static String field(String json, String name) {
    Matcher matcher = STRING_FIELD.matcher(json);
    while (matcher.find()) {
      if (matcher.group(1).equals(name)) {
        return matcher.group(2);
      }
    }
    throw new IllegalStateException("no " + name + " in " + json);
  }

  private interface RequestFactory {
    HttpRequest next();
  }

  /** {@code workers} closed-loop clients for the configured time, after a warm-up that is not counted. */
  private Map<String, Object> timed(String name, int workers, RequestFactory requests) throws Exception {
    loop(workers, warmupSeconds * 1000L, Integer.MAX_VALUE, requests);
    return summary(name, workers, loop(workers, seconds * 1000L, Integer.MAX_VALUE, requests));
  }

  /** {@code total} requests over {@code workers} closed-loop clients (slow requests such as logins). */
  private Map<String, Object> counted(String name, int workers, int total, RequestFactory requests) throws Exception {
    loop(workers, Long.MAX_VALUE, Math.max(workers, total / 10), requests);
    return summary(name, workers, loop(workers, Long.MAX_VALUE, total, requests));
  }

  private record Run(long[] latenciesNanos, int errors, Map<Integer, Integer> errorStatuses, long elapsedNanos) {}

  private Run loop(int workers, long millis, int maxRequests, RequestFactory requests) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    AtomicInteger issued = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    Map<Integer, Integer> errorStatuses = new java.util.concurrent.ConcurrentSkipListMap<>();
    long start = System.nanoTime();
    long deadline = millis == Long.MAX_VALUE ? Long.MAX_VALUE : start + millis * 1_000_000;
    List<Future<long[]>> results = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      results.add(pool.submit(() -> {
        long[] latencies = new long[1024];
        int count = 0;
        while (System.nanoTime() < deadline && issued.getAndIncrement() < maxRequests) {
          long sent = System.nanoTime();
          HttpResponse<Void> response = http.send(requests.next(), HttpResponse.BodyHandlers.discarding());
          long took = System.nanoTime() - sent;
          if (response.statusCode() >= 300) {
            errors.incrementAndGet();
            errorStatuses.merge(response.statusCode(), 1, Integer::sum);
          }
          if (count == latencies.length) {
            latencies = Arrays.copyOf(latencies, count * 2);
          }
          latencies[count++] = took;
        }
        return Arrays.copyOf(latencies, count);
      }));
    }
    List<long[]> parts = new ArrayList<>();
    for (Future<long[]> result : results) {
      parts.add(result.get());
    }
    long elapsed = System.nanoTime() - start;
    pool.shutdown();
    long[] all = parts.stream().flatMapToLong(Arrays::stream).sorted().toArray();
    return new Run(all, errors.get(), errorStatuses, elapsed);
  }

  private static Map<String, Object> summary(String name, int workers, Run run) {
    long[] l = run.latenciesNanos();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("scenario", name);
    out.put("concurrency", workers);
    out.put("requests", l.length);
    out.put("errors", run.errors());
    out.put("error_statuses", run.errorStatuses());
    out.put("seconds", round(run.elapsedNanos() / 1e9));
    out.put("throughput_rps", round(l.length / (run.elapsedNanos() / 1e9)));
    out.put("p50_ms", millis(percentile(l, 0.50)));
    out.put("p90_ms", millis(percentile(l, 0.90)));
    out.put("p99_ms", millis(percentile(l, 0.99)));
    out.put("max_ms", millis(l.length == 0 ? 0 : l[l.length - 1]));
    return out;
  }

  private static long percentile(long[] sorted, double p) {
    return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
  }

  private static double millis(long nanos) {
    return round(nanos / 1e6);
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static String json(Map<?, ?> values) {
    StringBuilder out = new StringBuilder("{");
    values.forEach((k, v) -> out.append(out.length() > 1 ? ", " : "").append('"').append(k).append("\": ")
        .append(v instanceof String s ? '"' + s + '"' : v instanceof Map<?, ?> m ? json(m)
            : String.format(Locale.ROOT, "%s", v)));
    return out.append('}').toString();
  }
}
