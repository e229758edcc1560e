package dev.arkloop.api.llm;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.llm.ProviderApi;
import dev.arkloop.common.net.OutboundGuard;
import dev.arkloop.common.net.OutboundUrls;
import io.vertx.core.Future;
import java.net.URI;

/**
 * Validates a provider's {@code base_url}: an absolute http(s) URL without credentials or fragment,
 * whose host is not private, loopback or link-local unless configuration allows it. A host that does
 * not resolve now is accepted (calls will fail until it does); the worker checks again per call.
 * Used for LLM providers and ASR credentials alike.
 */
public final class ProviderUrls {
  private final OutboundGuard guard;

  public ProviderUrls(OutboundGuard guard) {
    this.guard = guard;
  }

  /** The normalised URL (no trailing slash), or a 400 naming {@code base_url}. */
  public Future<String> validate(String raw) {
    URI uri;
    try {
      uri = parse(raw);
    } catch (ApiException e) {
      return Future.failedFuture(e);
    }
    String normalised = ProviderApi.baseUrl(null, raw);
    return guard.checkOnSave(uri).map(normalised).recover(e -> Future.failedFuture(e instanceof OutboundGuard.Refused
        ? ApiException.invalid("base_url", "base_url must not point at a private, loopback or link-local address")
        : e));
  }

  private static URI parse(String raw) {
    try {
      return OutboundUrls.parse(raw, "base_url");
    } catch (IllegalArgumentException e) {
      throw ApiException.invalid("base_url", e.getMessage());
    }
  }
}
