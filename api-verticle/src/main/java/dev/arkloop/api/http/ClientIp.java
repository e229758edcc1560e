package dev.arkloop.api.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * The caller's address and scheme. The forwarding headers ({@code X-Forwarded-For}, {@code X-Real-IP},
 * {@code X-Forwarded-Proto}) are believed only on a connection from a trusted proxy, the gateway
 * ({@code ARKLOOP_TRUSTED_PROXIES}); anyone else could forge them, so their socket address is used.
 */
public final class ClientIp {
  private static final String TRUST_KEY = "arkloop.proxyTrust";
  private static final String ADDRESS_KEY = "arkloop.clientIp";

  /** Which addresses are trusted proxies. */
  public interface ProxyTrust {
    enum Verdict { TRUSTED, UNTRUSTED, NOT_AN_ADDRESS }

    /** The verdict on an address's text; never a DNS lookup. */
    Verdict of(String address);
  }

  private ClientIp() {}

  /** A handler that runs before any reader of the helpers below and tells them whom to trust. */
  public static Handler<RoutingContext> trusting(ProxyTrust trust) {
    return ctx -> {
      ctx.put(TRUST_KEY, trust);
      ctx.next();
    };
  }

  /**
   * The client's address: from a trusted proxy, the right-most {@code X-Forwarded-For} hop that is not
   * itself a trusted proxy (the left-most when all are), else {@code X-Real-IP}; otherwise the socket.
   */
  public static String of(RoutingContext ctx) {
    String known = ctx.get(ADDRESS_KEY);
    if (known != null) {
      return known;
    }
    String socket = socket(ctx.request());
    ProxyTrust trust = ctx.get(TRUST_KEY);
    String address = trust != null && trust.of(socket) == ProxyTrust.Verdict.TRUSTED
        ? forwarded(ctx.request(), trust, socket) : socket;
    ctx.put(ADDRESS_KEY, address);
    return address;
  }

  /** Whether the client used HTTPS: to this node, or to the trusted proxy that says so. */
  public static boolean https(RoutingContext ctx) {
    return ctx.request().isSSL()
        || fromTrustedProxy(ctx) && "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
  }

  /** Whether the connection comes from a trusted proxy. */
  public static boolean fromTrustedProxy(RoutingContext ctx) {
    ProxyTrust trust = ctx.get(TRUST_KEY);
    return trust != null && trust.of(socket(ctx.request())) == ProxyTrust.Verdict.TRUSTED;
  }

  private static String forwarded(HttpServerRequest request, ProxyTrust trust, String socket) {
    String chain = request.getHeader("X-Forwarded-For");
    if (chain != null && !chain.isBlank()) {
      String[] hops = chain.split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hops[i].trim();
        ProxyTrust.Verdict verdict = trust.of(hop);
        if (verdict == ProxyTrust.Verdict.NOT_AN_ADDRESS) {
          return socket; // a malformed chain proves nothing
        }
        if (i == 0 || verdict == ProxyTrust.Verdict.UNTRUSTED) {
          return hop;
        }
      }
    }
    String real = request.getHeader("X-Real-IP");
    return real != null && trust.of(real.trim()) != ProxyTrust.Verdict.NOT_AN_ADDRESS ? real.trim() : socket;
  }

  private static String socket(HttpServerRequest request) {
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().host();
  }
}
