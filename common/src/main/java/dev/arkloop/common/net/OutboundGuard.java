package dev.arkloop.common.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Keeps calls to user-supplied URLs off private networks. The host is resolved once, on a worker
 * thread (the JDK resolver blocks), every address is checked, and the caller connects to the address
 * that was checked: a DNS answer that changes between check and connect (rebinding) cannot redirect
 * the call. With private addresses allowed it does nothing and the client resolves as usual.
 */
public final class OutboundGuard {
  private final Vertx vertx;
  private final boolean allowPrivate;

  public OutboundGuard(Vertx vertx, boolean allowPrivate) {
    this.vertx = vertx;
    this.allowPrivate = allowPrivate;
  }

  /** A refused or unresolvable destination. */
  public static final class Refused extends RuntimeException {
    private final boolean unresolved;

    Refused(String message, boolean unresolved) {
      super(message, null, false, false);
      this.unresolved = unresolved;
    }

    /** True when the host has no address at all (rather than a private one). */
    public boolean unresolved() {
      return unresolved;
    }
  }

  public boolean allowsPrivate() {
    return allowPrivate;
  }

  /**
   * The address to connect to for an http(s) URL's host and port: null when private addresses are
   * allowed (let the client resolve); fails with {@link Refused} for a private or unknown host.
   */
  public Future<SocketAddress> resolve(URI url) {
    int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
    return resolve(url.getHost(), port);
  }

  private Future<SocketAddress> resolve(String host, int port) {
    if (allowPrivate) {
      return Future.succeededFuture();
    }
    if (PrivateAddresses.isLocalName(host)) {
      return Future.failedFuture(new Refused(host + " is a local name", false));
    }
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return vertx.executeBlocking(() -> {
      InetAddress[] addresses;
      try {
        addresses = InetAddress.getAllByName(bare);
      } catch (UnknownHostException e) {
        throw new Refused(host + " does not resolve", true);
      }
      for (InetAddress address : addresses) {
        if (PrivateAddresses.isPrivate(address)) {
          throw new Refused(host + " resolves to a private address", false);
        }
      }
      return SocketAddress.inetSocketAddress(new InetSocketAddress(addresses[0], port));
    }, false);
  }
}
