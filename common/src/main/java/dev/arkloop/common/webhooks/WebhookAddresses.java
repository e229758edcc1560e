package dev.arkloop.common.webhooks;

import dev.arkloop.common.net.OutboundGuard;
import dev.arkloop.common.net.OutboundUrls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import java.net.URI;

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

  /** Parses an endpoint URL ({@link OutboundUrls#parse}); failures name {@code url}. */
  public static URI parse(String raw) {
    return OutboundUrls.parse(raw, "url");
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
