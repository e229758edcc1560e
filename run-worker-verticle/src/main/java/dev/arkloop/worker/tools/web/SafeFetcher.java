package dev.arkloop.worker.tools.web;

import dev.arkloop.common.net.AddressPolicy;
import dev.arkloop.worker.tools.ToolException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Outbound HTTP for tools, safe against SSRF: on every hop (the first request and each redirect,
 * followed here by hand) the host is resolved off the event loop, every address it resolves to
 * must pass the {@link AddressPolicy}, and the connection goes to the checked address itself, so a
 * second lookup cannot swap it (DNS rebinding). The body is cut at {@code maxBytes}; the whole
 * exchange, redirects included, must finish within {@code timeoutMs}.
 */
public final class SafeFetcher {
  private static final int MAX_REDIRECTS = 5;

  /** What came back: the final URL after redirects, and the (possibly cut) body. */
  public record Response(int status, String url, String contentType, Buffer body, boolean truncated) {}

  /** Looks a host name up; the default asks the system resolver on a worker thread. */
  @FunctionalInterface
  public interface Resolver {
    Future<List<InetAddress>> resolve(String host);
  }

  private final Vertx vertx;
  private final HttpClient client;
  private final AddressPolicy policy;
  private final Resolver resolver;
  private final int maxBytes;
  private final int timeoutMs;

  public SafeFetcher(Vertx vertx, AddressPolicy policy, Resolver resolver, int maxBytes, int timeoutMs) {
    this(vertx, vertx.createHttpClient(new HttpClientOptions().setForceSni(true).setKeepAlive(false)
        .setMaxRedirects(0)), policy, resolver, maxBytes, timeoutMs);
  }

  private SafeFetcher(Vertx vertx, HttpClient client, AddressPolicy policy, Resolver resolver, int maxBytes,
      int timeoutMs) {
    this.vertx = vertx;
    this.client = client;
    this.policy = policy;
    this.resolver = resolver == null ? systemResolver(vertx) : resolver;
    this.maxBytes = maxBytes;
    this.timeoutMs = timeoutMs;
  }

  /** The same fetcher with another address policy (e.g. trusting an operator-configured service). */
  public SafeFetcher withPolicy(AddressPolicy other) {
    return new SafeFetcher(vertx, client, other, resolver, maxBytes, timeoutMs);
  }

  public static Resolver systemResolver(Vertx vertx) {
    return host -> vertx.executeBlocking(() -> Arrays.asList(InetAddress.getAllByName(host)), false);
  }

  public Future<Response> fetch(HttpMethod method, String url, MultiMap headers, Buffer body) {
    return hop(method, url, headers, body, 0).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(e -> Future.failedFuture(e instanceof TimeoutException
            ? new ToolException("tool.timeout", "the request did not finish within " + timeoutMs + " ms") : e));
  }

  /** Checks that a URL is plain http(s) and that its host passes the address policy, without requesting it. */
  public Future<Void> checkTarget(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Future.failedFuture(new ToolException("tool.invalid_url", "not a valid URL"));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      return Future.failedFuture(new ToolException("tool.invalid_url", "only http and https URLs"));
    }
    return addresses(uri.getHost()).compose(found -> found.stream().allMatch(policy::allows)
        ? Future.succeededFuture()
        : Future.failedFuture(new ToolException("tool.address_blocked",
            "the URL's host resolves to a private or reserved address")));
  }

  private Future<Response> hop(HttpMethod method, String url, MultiMap headers, Buffer body, int redirects) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      return Future.failedFuture(new ToolException("tool.invalid_url", "not a valid URL"));
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
    String host = uri.getHost();
    if (!(scheme.equals("http") || scheme.equals("https")) || host == null || uri.getRawUserInfo() != null) {
      return Future.failedFuture(new ToolException("tool.invalid_url", "only http and https URLs without credentials"));
    }
    boolean tls = scheme.equals("https");
    int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return addresses(host).compose(found -> {
      for (InetAddress address : found) {
        if (!policy.allows(address)) {
          return Future.failedFuture(new ToolException("tool.address_blocked",
              "the URL's host resolves to a private or reserved address"));
        }
      }
      RequestOptions options = new RequestOptions().setMethod(method).setHost(bare(host)).setPort(port).setURI(path)
          .setSsl(tls).setServer(SocketAddress.inetSocketAddress(port, found.get(0).getHostAddress()))
          .setFollowRedirects(false).setConnectTimeout(timeoutMs).setIdleTimeout(timeoutMs);
      if (headers != null) {
        options.setHeaders(MultiMap.caseInsensitiveMultiMap().addAll(headers));
      }
      options.putHeader("User-Agent", "Arkloop/1 (+web_fetch)");
      // the response is handled in the same turn as the send completes (no future in between), so its
      // body cannot have ended before the handlers are set
      return client.request(options)
          .compose(request -> body == null ? request.send() : request.send(body))
          .compose(response -> {
            String location = response.getHeader("Location");
            if (isRedirect(response.statusCode()) && location != null) {
              response.request().reset();
              if (redirects >= MAX_REDIRECTS) {
                return Future.failedFuture(new ToolException("tool.too_many_redirects", "more than "
                    + MAX_REDIRECTS + " redirects"));
              }
              boolean keepMethod = response.statusCode() == 307 || response.statusCode() == 308;
              return hop(keepMethod ? method : HttpMethod.GET, uri.resolve(location.trim()).toString(), headers,
                  keepMethod ? body : null, redirects + 1);
            }
            return read(response, url);
          })
          .recover(e -> Future.failedFuture(e instanceof ToolException ? e
              : new ToolException("tool.fetch_failed", "the request failed: " + e.getClass().getSimpleName())));
    });
  }

  private Future<List<InetAddress>> addresses(String host) {
    try {
      InetAddress literal = AddressPolicy.literal(host);
      if (literal != null) {
        return Future.succeededFuture(List.of(literal));
      }
    } catch (AddressPolicy.Refused e) {
      return Future.failedFuture(new ToolException("tool.address_blocked",
          "the URL's host is a numeric address in a form that is not read"));
    }
    return resolver.resolve(host).recover(e -> Future.failedFuture(
        new ToolException("tool.fetch_failed", "the host name could not be resolved")))
        .compose(found -> found.isEmpty() ? Future.failedFuture(new ToolException("tool.fetch_failed",
            "the host name could not be resolved")) : Future.succeededFuture(found));
  }

  private Future<Response> read(HttpClientResponse response, String url) {
    Promise<Response> done = Promise.promise();
    Buffer body = Buffer.buffer();
    String type = response.getHeader("Content-Type");
    response.handler(chunk -> {
      if (done.future().isComplete()) {
        return;
      }
      int room = maxBytes - body.length();
      if (chunk.length() >= room) {
        body.appendBuffer(chunk, 0, Math.max(room, 0));
        done.tryComplete(new Response(response.statusCode(), url, type, body, true));
        response.request().reset();
      } else {
        body.appendBuffer(chunk);
      }
    });
    response.endHandler(v -> done.tryComplete(new Response(response.statusCode(), url, type, body, false)));
    response.exceptionHandler(e -> done.tryFail(new ToolException("tool.fetch_failed", "the response broke off")));
    return done.future();
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  private static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
