package dev.arkloop.common.tools;

import java.util.List;

/** The tool backends there are, per group (API.md §5.3), and what each needs to be configured. */
public final class ToolProviderCatalog {
  /** One backend: {@code group_name} + {@code provider_name} (the full name, e.g. {@code web_search.tavily}). */
  public record Provider(String group, String name, boolean requiresApiKey, boolean requiresBaseUrl) {
    public boolean configured(String sealedApiKey, String baseUrl) {
      return (!requiresApiKey || sealedApiKey != null) && (!requiresBaseUrl || baseUrl != null);
    }
  }

  public static final String WEB_SEARCH = "web_search";
  public static final String WEB_FETCH = "web_fetch";
  public static final List<Provider> PROVIDERS = List.of(
      new Provider(WEB_SEARCH, "web_search.tavily", true, false),
      new Provider(WEB_SEARCH, "web_search.searxng", false, true),
      new Provider(WEB_FETCH, "web_fetch.jina", true, false),
      new Provider(WEB_FETCH, "web_fetch.firecrawl", true, false));
  public static final List<String> GROUPS = List.of(WEB_SEARCH, WEB_FETCH);

  private ToolProviderCatalog() {}

  /** The provider of that group and full name, or null. Accepts the short name too ({@code tavily}). */
  public static Provider find(String group, String provider) {
    for (Provider candidate : PROVIDERS) {
      if (candidate.group().equals(group)
          && (candidate.name().equals(provider) || candidate.name().equals(group + "." + provider))) {
        return candidate;
      }
    }
    return null;
  }
}
