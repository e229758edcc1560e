package dev.arkloop.api.asr;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.net.OutboundGuard;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The one place the ASR endpoints apply the outbound address policy, the same as for LLM
 * {@code base_url}s ({@link OutboundGuard}, allowed private only with
 * {@code ARKLOOP_LLM_ALLOW_PRIVATE_PROVIDER_URLS}): at create/update for the stored URL, and again
 * for every call, which connects to the address that was checked.
 */
final class AsrAddressPolicy {
  private final OutboundGuard guard;

  AsrAddressPolicy(OutboundGuard guard) {
    this.guard = guard;
  }

  /** The normalised URL (no trailing slash), or a 400 naming {@code base_url}. */
  Future<String> validate(String raw) {
    URI uri;
    try {
      uri = parse(raw);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    String normalised = raw.trim().replaceAll("/+$", "");
    return guard.resolve(uri).map(address -> normalised).recover(e -> {
      if (e instanceof OutboundGuard.Refused refused && !refused.unresolved()) {
        return Future.failedFuture(ApiException.invalid("base_url",
            "base_url must not point at a private, loopback or link-local address"));
      }
      // a host that does not resolve now is kept; calls fail until it does
      return e instanceof OutboundGuard.Refused ? Future.succeededFuture(normalised) : Future.failedFuture(e);
    });
  }

  /** Where to connect for a call: null lets the client resolve (private allowed); a 502 when refused. */
  Future<SocketAddress> destination(URI url) {
    return guard.resolve(url).recover(e -> Future.failedFuture(AsrErrors.upstream(null,
        "the transcription service's address is refused")));
  }

  private static URI parse(String raw) {
    if (raw.length() > 2048) {
      throw ApiException.invalid("base_url", "base_url must be at most 2048 characters");
    }
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException e) {
      throw ApiException.invalid("base_url", "base_url must be a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw ApiException.invalid("base_url", "base_url must be an http or https URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty() || uri.getUserInfo() != null || uri.getFragment() != null) {
      throw ApiException.invalid("base_url", "base_url must have a host and no credentials or fragment");
    }
    return uri;
  }
}
