package dev.arkloop.common.webhooks;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * POSTs one signed webhook: the URL is checked against the address policy after resolving it, the
 * checked address is the one connected to, redirects are not followed, and one time limit covers
 * connecting, sending and reading the answer. The future never fails: the outcome is an {@link Attempt}.
 */
public final class WebhookSender {
  public static final int MAX_RESPONSE_BYTES = 4096;
  private final Vertx vertx;
  private final HttpClient client;
  private final WebhookAddresses addresses;
  private final int timeoutMillis;

  /** What one attempt got: the receiver's status and the start of its answer, or why there was none. */
  public record Attempt(Integer status, String body, String error, long durationMs) {
    public boolean delivered() {
      return status != null && status / 100 == 2;
    }
  }

  public WebhookSender(Vertx vertx, WebhookAddresses addresses, int timeoutMillis) {
    this.vertx = vertx;
    this.addresses = addresses;
    this.timeoutMillis = timeoutMillis;
    this.client = vertx.createHttpClient(new HttpClientOptions().setName("arkloop-webhooks").setForceSni(true)
        .setKeepAlive(true).setConnectTimeout(timeoutMillis), new PoolOptions().setHttp1MaxSize(64));
  }

  public Future<Attempt> send(String url, String event, UUID deliveryId, String body, List<String> secrets) {
    long started = System.nanoTime();
    URI uri;
    try {
      uri = WebhookAddresses.parse(url);
    } catch (IllegalArgumentException e) {
      return Future.succeededFuture(new Attempt(null, null, e.getMessage(), 0));
    }
    long timestamp = System.currentTimeMillis() / 1000;
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(uri.toString())
        .setFollowRedirects(false)
        .putHeader("Content-Type", "application/json")
        .putHeader("User-Agent", "Arkloop-Webhooks/1")
        .putHeader("X-Arkloop-Event", event)
        .putHeader("X-Arkloop-Delivery", deliveryId.toString())
        .putHeader("X-Arkloop-Timestamp", Long.toString(timestamp))
        .putHeader("X-Arkloop-Signature", WebhookSignature.header(secrets, timestamp, body));
    return addresses.resolve(uri)
        .compose(address -> post(options, address, body, started),
            refused -> Future.succeededFuture(new Attempt(null, null, "refused: " + refused.getMessage(),
                elapsed(started))));
  }

  private Future<Attempt> post(RequestOptions options, SocketAddress address, String body, long started) {
    if (address != null) {
      options.setServer(address);
    }
    Promise<Attempt> result = Promise.promise();
    HttpClientRequest[] request = new HttpClientRequest[1];
    long timer = vertx.setTimer(timeoutMillis, t -> {
      if (result.tryComplete(new Attempt(null, null, "timed out after " + timeoutMillis + " ms", elapsed(started)))
          && request[0] != null) {
        request[0].reset();
      }
    });
    client.request(options).compose(sent -> {
      request[0] = sent;
      return sent.send(Buffer.buffer(body));
    }).onComplete(answered -> {
      if (answered.failed()) {
        vertx.cancelTimer(timer);
        result.tryComplete(new Attempt(null, null, describe(answered.cause()), elapsed(started)));
        return;
      }
      var response = answered.result();
      Buffer head = Buffer.buffer();
      response.handler(chunk -> {
        if (head.length() < MAX_RESPONSE_BYTES) {
          head.appendBuffer(chunk, 0, Math.min(chunk.length(), MAX_RESPONSE_BYTES - head.length()));
        }
      });
      response.exceptionHandler(e -> {
        vertx.cancelTimer(timer);
        result.tryComplete(new Attempt(response.statusCode(), text(head), describe(e), elapsed(started)));
      });
      response.endHandler(v -> {
        vertx.cancelTimer(timer);
        result.tryComplete(new Attempt(response.statusCode(), text(head), null, elapsed(started)));
      });
    });
    return result.future();
  }

  public Future<Void> close() {
    return client.close();
  }

  private static String text(Buffer head) {
    return new String(head.getBytes(), StandardCharsets.UTF_8).replace('\u0000', ' ');
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return "could not deliver: " + e.getClass().getSimpleName() + (message == null ? "" : " (" + message + ")");
  }

  private static long elapsed(long started) {
    return (System.nanoTime() - started) / 1_000_000;
  }
}
