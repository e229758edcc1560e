package dev.arkloop.worker.llm;

import dev.arkloop.common.llm.ProviderApi;
import java.util.Map;

/**
 * Where and as whom a client calls: provider kind, base URL (no trailing slash) and key. A trusted
 * endpoint comes from the operator's environment and may point anywhere; the others come from API
 * users and are kept off private addresses unless configuration allows them.
 */
public record Endpoint(String kind, String baseUrl, String apiKey, boolean trusted) {

  public Endpoint {
    baseUrl = ProviderApi.baseUrl(kind, baseUrl);
  }

  Map<String, String> authHeaders() {
    return ProviderApi.authHeaders(kind, apiKey);
  }

  @Override
  public String toString() {
    return "Endpoint[kind=" + kind + ", baseUrl=" + baseUrl + ", trusted=" + trusted + "]";
  }
}
