package dev.arkloop.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code webhook_burst}: 1,000 real stub runs of one account, created as fast as {@code clients}
 * clients can, complete in a burst as the workers drain them; a webhook endpoint subscribed to
 * {@code run.completed} and {@code run.failed} points at a receiver this bench starts, which checks
 * every signature with the documented formula. Passes when exactly 1,000 distinct deliveries (one per
 * run, all {@code run.completed}) arrive, the server lists exactly 1,000, and each arrives within
 * 30 s of its run's terminal transaction (the delivery's {@code created_at}).
 */
final class WebhookBurst {
  static final String SCENARIO = "webhook_burst";
  private static final int RUNS = 1000;
  private static final long LAG_TARGET_MS = 30_000;

  /** What the receiver saw. */
  private static final class Receiver {
    final Map<String, JsonObject> deliveries = new ConcurrentHashMap<>();
    final Map<String, Long> receivedMillis = new ConcurrentHashMap<>();
    final Set<String> runs = ConcurrentHashMap.newKeySet();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicInteger badSignatures = new AtomicInteger();
    volatile String secret;
  }

  private WebhookBurst() {}

  static JsonObject run(Vertx vertx, VertxApi api, BenchConfig config) throws Exception {
    String loadBefore = loadAverage();
    Receiver receiver = new Receiver();
    HttpServer server = await(vertx.createHttpServer().requestHandler(request -> receive(request, receiver))
        .listen(0, "127.0.0.1"));
    try {
      String token = await(api.signUp());
      JsonObject endpoint = await(api.webhookEndpoint(token, "http://127.0.0.1:" + server.actualPort() + "/hook",
          new JsonArray().add("run.completed").add("run.failed")));
      receiver.secret = endpoint.getString("secret");
      List<String> keys = await(api.runKeys(token, config.clients()));

      long started = System.currentTimeMillis();
      AtomicInteger next = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      List<Future<Void>> clients = new ArrayList<>();
      for (String key : keys) {
        Promise<Void> done = Promise.promise();
        createRuns(api, key, next, refused, done);
        clients.add(done.future());
      }
      await(Future.all(clients), 600);
      long created = System.currentTimeMillis();
      long deadline = created + 600_000;
      while (receiver.deliveries.size() < RUNS - refused.get() && System.currentTimeMillis() < deadline) {
        Thread.sleep(100);
      }
      long lastReceived = receiver.receivedMillis.values().stream().mapToLong(Long::longValue).max().orElse(0);
      int listed = await(countDeliveries(api, token, endpoint.getString("id")));

      long[] lags = receiver.deliveries.entrySet().stream()
          .mapToLong(e -> receiver.receivedMillis.get(e.getKey()) - createdMillis(e.getValue())).sorted().toArray();
      long firstEnded = receiver.deliveries.values().stream().mapToLong(WebhookBurst::createdMillis).min().orElse(0);
      long lastEnded = receiver.deliveries.values().stream().mapToLong(WebhookBurst::createdMillis).max().orElse(0);
      long completed = receiver.deliveries.values().stream()
          .filter(delivery -> "run.completed".equals(delivery.getString("type"))).count();
      boolean pass = refused.get() == 0 && receiver.deliveries.size() == RUNS && completed == RUNS
          && receiver.runs.size() == RUNS && listed == RUNS && receiver.badSignatures.get() == 0
          && lags.length > 0 && lags[lags.length - 1] < LAG_TARGET_MS;
      return RunBench.report(config, new JsonObject()
              .put("runs", RUNS)
              .put("runs_refused", refused.get())
              .put("create_s", seconds(created - started))
              .put("runs_ended_over_s", seconds(lastEnded - firstEnded))
              .put("deliveries_distinct", receiver.deliveries.size())
              .put("deliveries_run_completed", completed)
              .put("runs_distinct", receiver.runs.size())
              .put("requests_received", receiver.requests.get())
              .put("bad_signatures", receiver.badSignatures.get())
              .put("deliveries_listed_by_server", listed)
              .put("first_create_to_last_delivery_s", seconds(lastReceived - started))
              .put("last_run_end_to_last_delivery_s", seconds(lastReceived - lastEnded))
              .put("run_end_to_delivery_ms", RunBench.percentiles(lags, 1))
              .put("load_average_before", loadBefore)
              .put("load_average_after", loadAverage()),
          pass, "exactly " + RUNS + " deliveries, each within " + LAG_TARGET_MS / 1000 + " s of its run's end");
    } finally {
      server.close();
    }
  }

  private static void createRuns(VertxApi api, String key, AtomicInteger next, AtomicInteger refused,
      Promise<Void> done) {
    if (next.getAndIncrement() >= RUNS) {
      done.complete();
      return;
    }
    api.thread(key, "burst /tokens 20 /delay 0").compose(thread -> api.run(key, thread)).onComplete(result -> {
      if (result.failed()) {
        refused.incrementAndGet();
        System.err.println("run not created: " + result.cause().getMessage());
      }
      createRuns(api, key, next, refused, done);
    });
  }

  private static void receive(HttpServerRequest request, Receiver receiver) {
    request.body().onSuccess(buffer -> {
      long received = System.currentTimeMillis();
      receiver.requests.incrementAndGet();
      String body = buffer.toString(StandardCharsets.UTF_8);
      if (!signed(receiver.secret, request.getHeader("X-Arkloop-Timestamp"), body,
          request.getHeader("X-Arkloop-Signature"))) {
        receiver.badSignatures.incrementAndGet();
      }
      JsonObject delivery = new JsonObject(body);
      String id = request.getHeader("X-Arkloop-Delivery");
      if (receiver.deliveries.putIfAbsent(id, delivery) == null) {
        receiver.receivedMillis.put(id, received);
        receiver.runs.add(delivery.getJsonObject("data").getString("run_id"));
      }
      request.response().setStatusCode(200).end();
    });
  }

  /** The README's formula: {@code sha256=hex(HMAC-SHA256(secret, timestamp + "." + body))}. */
  private static boolean signed(String secret, String timestamp, String body, String header) {
    if (secret == null || timestamp == null || header == null) {
      return false;
    }
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      String expected = "sha256=" + HexFormat.of().formatHex(
          mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8)));
      return List.of(header.split(",")).contains(expected);
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The endpoint's delivery log, paged through to the end. */
  private static Future<Integer> countDeliveries(VertxApi api, String token, String endpointId) {
    return countDeliveries(api, token, endpointId, null, 0);
  }

  private static Future<Integer> countDeliveries(VertxApi api, String token, String endpointId, String before,
      int counted) {
    String path = "/v1/webhook-endpoints/" + endpointId + "/deliveries?limit=200"
        + (before == null ? "" : "&before=" + java.net.URLEncoder.encode(before, StandardCharsets.UTF_8));
    return api.call(HttpMethod.GET, path, token, null).compose(reply -> {
      if (reply.status() != 200) {
        return Future.failedFuture("deliveries " + reply.status() + ": " + reply.body());
      }
      JsonObject page = reply.json();
      int total = counted + page.getJsonArray("data").size();
      return page.getBoolean("has_more") ? countDeliveries(api, token, endpointId, page.getString("next_before"), total)
          : Future.succeededFuture(total);
    });
  }

  private static long createdMillis(JsonObject delivery) {
    return Instant.parse(delivery.getString("created_at")).toEpochMilli();
  }

  private static double seconds(long millis) {
    return Math.round(millis / 100.0) / 10.0;
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return String.valueOf(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return await(future, 120);
  }

  private static <T> T await(Future<T> future, int seconds) throws Exception {
    return future.await(seconds, TimeUnit.SECONDS);
  }
}
