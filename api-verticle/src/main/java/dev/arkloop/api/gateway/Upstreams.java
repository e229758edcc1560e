package dev.arkloop.api.gateway;

import dev.arkloop.common.config.HostPort;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import java.net.ConnectException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The API nodes behind the gateway, taken round-robin with passive health: an upstream that refuses
 * a connection is skipped for 10 s and the request goes to the next one.
 */
final class Upstreams implements OriginRequestProvider {
  static final long SKIP_MILLIS = 10_000;
  private final List<HostPort> addresses;
  private final AtomicInteger next = new AtomicInteger();
  private final AtomicLongArray downUntil;

  Upstreams(List<HostPort> addresses) {
    this.addresses = addresses;
    this.downUntil = new AtomicLongArray(addresses.size());
  }

  @Override
  public Future<HttpClientRequest> create(ProxyContext context) {
    int start = Math.floorMod(next.getAndIncrement(), addresses.size());
    return attempt(context.client(), context, start, 0, false);
  }

  private Future<HttpClientRequest> attempt(HttpClient client, ProxyContext context, int start, int tried,
      boolean includeDown) {
    if (tried == addresses.size()) {
      // every upstream is marked down: try them all once more rather than fail without trying
      return includeDown ? Future.failedFuture(new ConnectException("no upstream accepts connections"))
          : attempt(client, context, start, 0, true);
    }
    int index = (start + tried) % addresses.size();
    if (!includeDown && downUntil.get(index) > System.currentTimeMillis()) {
      return attempt(client, context, start, tried + 1, false);
    }
    HostPort upstream = addresses.get(index);
    RequestOptions options = new RequestOptions().setHost(upstream.host()).setPort(upstream.port())
        .setMethod(context.request().getMethod()).setURI(context.request().getURI());
    return client.request(options).recover(e -> {
      if (e instanceof ConnectException || e.getCause() instanceof ConnectException) {
        downUntil.set(index, System.currentTimeMillis() + SKIP_MILLIS);
        return attempt(client, context, start, tried + 1, includeDown);
      }
      return Future.failedFuture(e);
    });
  }
}
