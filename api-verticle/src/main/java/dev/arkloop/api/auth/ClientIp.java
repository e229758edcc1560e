package dev.arkloop.api.auth;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The caller's address and scheme. The forwarding headers ({@code X-Forwarded-For}, {@code X-Real-IP},
 * {@code X-Forwarded-Proto}) are believed only on a connection from a trusted proxy, the gateway
 * ({@code ARKLOOP_TRUSTED_PROXIES}); anyone else could forge them, so their socket address is used.
 */
public final class ClientIp {
  private static final String TRUSTED_KEY = "arkloop.trustedProxies";
  private static final String ADDRESS_KEY = "arkloop.clientIp";

  private ClientIp() {}

  /**
   * A handler that runs before any reader of the helpers below and tells them whom to trust.
   *
   * @throws IllegalArgumentException naming the first entry that is not a CIDR
   */
  public static Handler<RoutingContext> trusting(List<String> cidrs) {
    List<Cidr> trusted = new ArrayList<>();
    for (String text : cidrs) {
      Cidr cidr = Cidr.parse(text);
      if (cidr == null) {
        throw new IllegalArgumentException("ARKLOOP_TRUSTED_PROXIES must hold IPv4 or IPv6 CIDRs, got '" + text + "'");
      }
      trusted.add(cidr);
    }
    List<Cidr> frozen = List.copyOf(trusted);
    return ctx -> {
      ctx.put(TRUSTED_KEY, frozen);
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
    List<Cidr> trusted = ctx.get(TRUSTED_KEY);
    String address = trusted != null && contains(trusted, Cidr.literal(socket))
        ? forwarded(ctx.request(), trusted, socket) : socket;
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
    List<Cidr> trusted = ctx.get(TRUSTED_KEY);
    return trusted != null && contains(trusted, Cidr.literal(socket(ctx.request())));
  }

  private static String forwarded(HttpServerRequest request, List<Cidr> trusted, String socket) {
    String chain = request.getHeader("X-Forwarded-For");
    if (chain != null && !chain.isBlank()) {
      String[] hops = chain.split(",");
      for (int i = hops.length - 1; i >= 0; i--) {
        String hop = hops[i].trim();
        InetAddress address = Cidr.literal(hop);
        if (address == null) {
          return socket; // a malformed chain proves nothing
        }
        if (i == 0 || !contains(trusted, address)) {
          return hop;
        }
      }
    }
    String real = request.getHeader("X-Real-IP");
    return real != null && Cidr.literal(real.trim()) != null ? real.trim() : socket;
  }

  private static boolean contains(List<Cidr> cidrs, InetAddress address) {
    if (address == null) {
      return false;
    }
    for (Cidr cidr : cidrs) {
      if (cidr.contains(address)) {
        return true;
      }
    }
    return false;
  }

  private static String socket(HttpServerRequest request) {
    return request.remoteAddress() == null ? "unknown" : request.remoteAddress().host();
  }
}
