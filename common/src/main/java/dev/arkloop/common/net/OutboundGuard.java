package dev.arkloop.common.net;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Keeps calls to user-supplied URLs off private networks, by the one {@link AddressPolicy}. The host
 * is resolved once, on a worker thread (the JDK resolver blocks), every address is checked, and the
 * caller connects to the address that was checked: a DNS answer that changes between check and
 * connect (rebinding) cannot redirect the call. Host spellings the policy does not read are refused
 * always; with private addresses allowed nothing else is checked and the client resolves as usual.
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

    public Refused(String message, boolean unresolved) {
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

  /**
   * The check of a URL being saved: fails with {@link Refused} when the policy refuses its host; a
   * host that does not resolve yet passes (every call resolves and checks it again).
   */
  public Future<Void> checkOnSave(URI url) {
    return resolve(url).<Void>mapEmpty().recover(e -> e instanceof Refused refused && refused.unresolved()
        ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** Blocking: the checked address of {@code host}, for callers already on a worker thread. */
  public static InetAddress checkedAddress(String host, boolean allowPrivate) {
    InetAddress literal;
    try {
      literal = AddressPolicy.literal(host);
    } catch (AddressPolicy.Refused e) {
      throw new Refused(e.getMessage(), false);
    }
    AddressPolicy policy = AddressPolicy.standard(allowPrivate);
    if (literal != null) {
      if (!policy.allows(literal)) {
        throw new Refused(host + " is a private or reserved address", false);
      }
      return literal;
    }
    if (!allowPrivate && AddressPolicy.isLocalName(host)) {
      throw new Refused(host + " is a local name", false);
    }
    InetAddress[] addresses;
    try {
      addresses = InetAddress.getAllByName(host);
    } catch (UnknownHostException e) {
      throw new Refused(host + " does not resolve", true);
    }
    for (InetAddress address : addresses) {
      if (!policy.allows(address)) {
        throw new Refused(host + " resolves to a private or reserved address", false);
      }
    }
    return addresses[0];
  }

  private Future<SocketAddress> resolve(String host, int port) {
    try {
      AddressPolicy.literal(host);
    } catch (AddressPolicy.Refused e) {
      return Future.failedFuture(new Refused(e.getMessage(), false));
    }
    if (allowPrivate) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> SocketAddress.inetSocketAddress(
        new InetSocketAddress(checkedAddress(host, false), port)), false);
  }
}
