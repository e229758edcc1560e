package dev.arkloop.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The JDK HTTP client against the Arkloop API, plus the sign-up a run starts with. */
final class ApiClient {
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
  private final HttpClient http;
  private final URI base;

  ApiClient(HttpClient http, URI base) {
    this.http = http;
    this.base = base;
  }

  CompletableFuture<HttpResponse<String>> send(String method, String path, String bearer, JsonObject body) {
    HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path))
        .timeout(REQUEST_TIMEOUT)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Blocks until {@code GET /readyz} answers 200 or the time is up. */
  void awaitReady(Duration patience) throws InterruptedException {
    Instant deadline = Instant.now().plus(patience);
    while (true) {
      try {
        if (send("GET", "/readyz", null, null).join().statusCode() == 200) {
          return;
        }
      } catch (RuntimeException e) {
        // not listening yet
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(base + "/readyz did not answer 200 within " + patience.toSeconds() + " s");
      }
      Thread.sleep(500);
    }
  }

  /**
   * Registers a fresh user and gives it one API key per client: the server rate-limits per
   * identity, and each key is its own identity, as separate API users would be.
   */
  List<String> signUpWithKeys(int keys) throws IOException {
    String login = "bench" + Long.toHexString(System.nanoTime());
    HttpResponse<String> registered = send("POST", "/v1/auth/register", null, new JsonObject()
        .put("login", login).put("password", "bench password " + login).put("email", login + "@bench.invalid"))
        .join();
    if (registered.statusCode() != 201) {
      throw new IOException("registration failed (" + registered.statusCode() + "): " + registered.body());
    }
    String token = new JsonObject(registered.body()).getString("access_token");
    List<String> created = new ArrayList<>(keys);
    for (int i = 0; i < keys; i++) {
      HttpResponse<String> key = send("POST", "/v1/api-keys", token,
          new JsonObject().put("name", "bench client " + i).put("scopes", new JsonArray().add("data.threads.read")
              .add("data.threads.write"))).join();
      if (key.statusCode() != 201) {
        throw new IOException("API key creation failed (" + key.statusCode() + "): " + key.body());
      }
      created.add(new JsonObject(key.body()).getString("key"));
    }
    return created;
  }
}
