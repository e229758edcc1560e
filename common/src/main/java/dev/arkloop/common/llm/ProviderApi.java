package dev.arkloop.common.llm;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the API and the worker both know about the upstream LLM APIs: the provider kinds, their
 * default base URLs, how a key is presented, and which HTTP statuses mean what. OpenAI-compatible
 * base URLs include the version ({@code https://api.openai.com/v1}); Anthropic's do not.
 */
public final class ProviderApi {
  public static final String OPENAI = "openai";
  public static final String ANTHROPIC = "anthropic";
  public static final String OPENAI_BASE_URL = "https://api.openai.com/v1";
  public static final String ANTHROPIC_BASE_URL = "https://api.anthropic.com";
  public static final String ANTHROPIC_VERSION = "2023-06-01";

  private ProviderApi() {}

  /** The configured base URL without a trailing slash, or the kind's official one. */
  public static String baseUrl(String kind, String configured) {
    if (configured == null || configured.isBlank()) {
      return ANTHROPIC.equals(kind) ? ANTHROPIC_BASE_URL : OPENAI_BASE_URL;
    }
    String url = configured.trim();
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return url;
  }

  /** The headers that authenticate a call with {@code apiKey}. */
  public static Map<String, String> authHeaders(String kind, String apiKey) {
    Map<String, String> headers = new LinkedHashMap<>();
    if (ANTHROPIC.equals(kind)) {
      headers.put("x-api-key", apiKey);
      headers.put("anthropic-version", ANTHROPIC_VERSION);
    } else {
      headers.put("Authorization", "Bearer " + apiKey);
    }
    return headers;
  }

  /** The upstream's model catalogue. */
  public static String modelsUrl(String kind, String baseUrl) {
    return ANTHROPIC.equals(kind) ? baseUrl + "/v1/models?limit=1000" : baseUrl + "/models";
  }

  /** The {@code provider.*} error class of a refused call. */
  public static String errorClass(int status) {
    if (status == 401 || status == 403) {
      return "provider.auth";
    }
    if (status == 429) {
      return "provider.rate_limited";
    }
    if (status == 502 || status == 503 || status == 504 || status == 529) {
      return "provider.unavailable";
    }
    if (status == 408) {
      return "provider.timeout";
    }
    if (status >= 400 && status < 500) {
      return "provider.bad_request";
    }
    return "provider.error";
  }

  /** Whether the same call may succeed later: rate limits, overload, and server-side failures. */
  public static boolean retryable(int status) {
    return status == 408 || status == 429 || status >= 500;
  }

  /**
   * What the API shows of a key: its first 8 characters and an ellipsis, fewer for short keys so
   * that never more than half of a key is shown.
   */
  public static String keyPrefix(String apiKey) {
    int shown = Math.min(8, apiKey.length() / 2);
    return apiKey.substring(0, shown) + "…";
  }
}
