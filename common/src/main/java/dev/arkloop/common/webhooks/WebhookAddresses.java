package dev.arkloop.common.webhooks;

import dev.arkloop.common.net.OutboundGuard;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where webhooks may be sent: the one place webhook code consults the outbound address policy, both
 * when an endpoint is saved and again, after DNS resolution, at every delivery.
 */
public final class WebhookAddresses {
  private final OutboundGuard guard;

  public WebhookAddresses(Vertx vertx, boolean allowPrivate) {
    this.guard = new OutboundGuard(vertx, allowPrivate);
  }

  /** A URL refused by the policy, or not a usable http(s) URL. */
  public static final class Refused extends RuntimeException {
    private final boolean unresolved;

    Refused(String message, boolean unresolved) {
      super(message, null, false, false);
      this.unresolved = unresolved;
    }

    /** The host has no address now (it may have one later); not a policy refusal. */
    public boolean unresolved() {
      return unresolved;
    }
  }

  /** Parses an endpoint URL: absolute http(s), a host, no credentials or fragment, at most 2048 characters. */
  public static URI parse(String raw) {
    if (raw.length() > 2048) {
      throw new IllegalArgumentException("url must be at most 2048 characters");
    }
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("url must be a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException("url must be an http or https URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty() || uri.getPort() > 65535) {
      throw new IllegalArgumentException("url must have a valid host and port");
    }
    if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("url must not carry credentials or a fragment");
    }
    return uri;
  }

  /**
   * The checked address to connect to (null: let the client resolve, private addresses are allowed);
   * fails with {@link Refused}.
   */
  public Future<SocketAddress> resolve(URI url) {
    return guard.resolve(url).recover(e -> Future.failedFuture(e instanceof OutboundGuard.Refused refused
        ? new Refused(refused.getMessage() + " (ARKLOOP_WEBHOOKS_ALLOW_PRIVATE is off)", refused.unresolved())
        : e));
  }
}
