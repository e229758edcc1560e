package dev.arkloop.worker.tools.web;

import dev.arkloop.worker.tools.ToolException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * {@code web_fetch} through a reader service when the account (or the platform) activated one:
 * Jina Reader ({@code GET {base_url}/{url}}) or Firecrawl ({@code POST {base_url}/v1/scrape}), both
 * with the API key as a bearer token. The page URL itself is checked against the address policy
 * first, so a reader cannot be used to reach what a direct fetch may not.
 */
final class ReaderFetch {
  private static final String JINA_URL = "https://r.jina.ai";
  private static final String FIRECRAWL_URL = "https://api.firecrawl.dev";

  private ReaderFetch() {}

  static Future<JsonObject> fetch(SafeFetcher fetcher, ToolProviders.Active reader, String url) {
    if (reader.apiKey() == null) {
      return Future.failedFuture(new ToolException("tool.not_configured", "the web_fetch provider lacks its api_key"));
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + reader.apiKey());
    if (reader.provider().equals("web_fetch.firecrawl")) {
      headers.add("Content-Type", "application/json");
      String base = reader.baseUrl() == null ? FIRECRAWL_URL : reader.baseUrl();
      return fetcher.fetch(HttpMethod.POST, base + "/v1/scrape", headers, new JsonObject().put("url", url)
              .put("formats", new io.vertx.core.json.JsonArray().add("markdown")).toBuffer())
          .compose(response -> {
            checkStatus(response, "firecrawl");
            try {
              JsonObject data = new JsonObject(response.body()).getJsonObject("data", new JsonObject());
              return Future.succeededFuture(result(url, data.getString("markdown", ""), "firecrawl",
                  response.truncated()));
            } catch (DecodeException | ClassCastException e) {
              return Future.failedFuture(new ToolException("tool.provider_error", "firecrawl did not answer JSON"));
            }
          });
    }
    String base = reader.baseUrl() == null ? JINA_URL : reader.baseUrl();
    headers.add("Accept", "text/plain");
    return fetcher.fetch(HttpMethod.GET, base + "/" + url, headers, null).map(response -> {
      checkStatus(response, "jina");
      return result(url, response.body().toString(StandardCharsets.UTF_8), "jina", response.truncated());
    });
  }

  private static void checkStatus(SafeFetcher.Response response, String provider) {
    if (response.status() >= 400) {
      throw new ToolException("tool.provider_error", provider + " answered " + response.status());
    }
  }

  private static JsonObject result(String url, String content, String provider, boolean truncated) {
    return new JsonObject().put("url", url).put("status", 200).put("content", content).put("provider", provider)
        .put("truncated", truncated);
  }
}
