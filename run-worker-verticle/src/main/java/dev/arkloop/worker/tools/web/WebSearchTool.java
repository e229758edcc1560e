package dev.arkloop.worker.tools.web;

import dev.arkloop.worker.tools.Tool;
import dev.arkloop.worker.tools.ToolContext;
import dev.arkloop.worker.tools.ToolException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code web_search} through the account's (else the platform's) active {@code web_search}
 * provider: SearXNG ({@code GET base_url/search?format=json}) or Tavily ({@code POST /search} with
 * the API key as a bearer token). Tenant-configured URLs pass the address policy; an operator's
 * (platform) URL is trusted, as SearXNG usually runs on a private network.
 */
public final class WebSearchTool implements Tool {
  private static final String TAVILY_URL = "https://api.tavily.com";
  private final ToolProviders providers;
  private final SafeFetcher guarded;
  private final SafeFetcher trusted;

  public WebSearchTool(ToolProviders providers, SafeFetcher fetcher) {
    this.providers = providers;
    this.guarded = fetcher;
    this.trusted = fetcher.withPolicy(address -> true);
  }

  @Override
  public String name() {
    return "web_search";
  }

  @Override
  public String description() {
    return "Searches the web; returns titles, URLs and snippets.";
  }

  @Override
  public JsonObject parameters() {
    return new JsonObject().put("type", "object").put("properties", new JsonObject()
            .put("query", new JsonObject().put("type", "string"))
            .put("max_results", new JsonObject().put("type", "integer")))
        .put("required", List.of("query"));
  }

  @Override
  public Future<JsonObject> call(JsonObject arguments, ToolContext context) {
    Object query = arguments.getValue("query");
    if (!(query instanceof String text) || text.isBlank()) {
      return Future.failedFuture(new ToolException("tool.invalid_arguments", "query must be a string"));
    }
    int max = arguments.getValue("max_results") instanceof Number n ? Math.min(Math.max(1, n.intValue()), 20) : 5;
    return providers.active(context.orgId(), "web_search").compose(active -> {
      if (active == null) {
        return Future.failedFuture(new ToolException("tool.not_configured", "no web_search provider is active"));
      }
      SafeFetcher fetcher = active.platform() ? trusted : guarded;
      if (active.provider().equals("web_search.searxng") && active.baseUrl() != null) {
        return searxng(fetcher, active, text, max);
      }
      if (active.provider().equals("web_search.tavily") && active.apiKey() != null) {
        return tavily(fetcher, active, text, max);
      }
      return Future.failedFuture(new ToolException("tool.not_configured", "the web_search provider lacks its credential"));
    });
  }

  private Future<JsonObject> searxng(SafeFetcher fetcher, ToolProviders.Active active, String query, int max) {
    String url = active.baseUrl() + "/search?format=json&q=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
    return fetcher.fetch(HttpMethod.GET, url, MultiMap.caseInsensitiveMultiMap().add("Accept", "application/json"), null)
        .compose(response -> results(response, "searxng", max, "content"));
  }

  private Future<JsonObject> tavily(SafeFetcher fetcher, ToolProviders.Active active, String query, int max) {
    String base = active.baseUrl() == null ? TAVILY_URL : active.baseUrl();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Content-Type", "application/json")
        .add("Authorization", "Bearer " + active.apiKey());
    return fetcher.fetch(HttpMethod.POST, base + "/search", headers,
            new JsonObject().put("query", query).put("max_results", max).toBuffer())
        .compose(response -> results(response, "tavily", max, "content"));
  }

  private static String text(JsonObject item, String field) {
    Object value = item.getValue(field);
    return value instanceof String string ? string : null;
  }

  private static Future<JsonObject> results(SafeFetcher.Response response, String provider, int max, String snippet) {
    if (response.status() >= 400) {
      return Future.failedFuture(new ToolException("tool.provider_error",
          provider + " answered " + response.status()));
    }
    JsonArray found;
    try {
      found = new JsonObject(response.body()).getJsonArray("results", new JsonArray());
    } catch (DecodeException | ClassCastException e) {
      return Future.failedFuture(new ToolException("tool.provider_error", provider + " did not answer JSON"));
    }
    JsonArray results = new JsonArray();
    for (int i = 0; i < found.size() && results.size() < max; i++) {
      if (found.getValue(i) instanceof JsonObject item) {
        results.add(new JsonObject().put("title", text(item, "title")).put("url", text(item, "url"))
            .put("snippet", text(item, snippet)));
      }
    }
    return Future.succeededFuture(new JsonObject().put("provider", provider).put("results", results));
  }
}
