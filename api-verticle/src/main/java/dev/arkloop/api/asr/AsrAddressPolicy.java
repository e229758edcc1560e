package dev.arkloop.api.asr;

import dev.arkloop.api.llm.ProviderUrls;
import dev.arkloop.common.net.OutboundGuard;
import io.vertx.core.Future;
import io.vertx.core.net.SocketAddress;
import java.net.URI;

/**
 * The one place the ASR endpoints apply the outbound address policy, the same as for LLM
 * {@code base_url}s ({@link ProviderUrls}, private addresses allowed only with
 * {@code ARKLOOP_ALLOW_PRIVATE_PROVIDER_URLS}): at create/update for the stored URL, and again for
 * every call, which connects to the address that was checked.
 */
final class AsrAddressPolicy {
  private final OutboundGuard guard;
  private final ProviderUrls urls;

  AsrAddressPolicy(OutboundGuard guard) {
    this.guard = guard;
    this.urls = new ProviderUrls(guard);
  }

  /** The normalised URL (no trailing slash), or a 400 naming {@code base_url}. */
  Future<String> validate(String raw) {
    return urls.validate(raw);
  }

  /** Where to connect for a call: null lets the client resolve (private allowed); a 502 when refused. */
  Future<SocketAddress> destination(URI url) {
    return guard.resolve(url).recover(e -> Future.failedFuture(AsrErrors.upstream(null,
        "the transcription service's address is refused")));
  }
}
