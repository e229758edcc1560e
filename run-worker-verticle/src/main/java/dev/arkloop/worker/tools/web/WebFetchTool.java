package dev.arkloop.worker.tools.web;

import dev.arkloop.worker.tools.Tool;
import dev.arkloop.worker.tools.ToolContext;
import dev.arkloop.worker.tools.ToolException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** {@code web_fetch}: GETs a public web page through the {@link SafeFetcher}; HTML comes back as text. */
public final class WebFetchTool implements Tool {
  private static final int DEFAULT_MAX_CHARS = 20_000;
  private final SafeFetcher fetcher;
  private final ToolProviders providers;

  /** With {@code providers}, an active {@code web_fetch} provider (Jina, Firecrawl) fetches instead. */
  public WebFetchTool(SafeFetcher fetcher, ToolProviders providers) {
    this.fetcher = fetcher;
    this.providers = providers;
  }

  @Override
  public String name() {
    return "web_fetch";
  }

  @Override
  public String description() {
    return "Fetches a web page (http or https) and returns its text.";
  }

  @Override
  public JsonObject parameters() {
    return new JsonObject().put("type", "object").put("properties", new JsonObject()
            .put("url", new JsonObject().put("type", "string"))
            .put("max_chars", new JsonObject().put("type", "integer")))
        .put("required", List.of("url"));
  }

  @Override
  public Future<JsonObject> call(JsonObject arguments, ToolContext context) {
    Object url = arguments.getValue("url");
    if (!(url instanceof String text) || text.isBlank()) {
      return Future.failedFuture(new ToolException("tool.invalid_arguments", "url must be a string"));
    }
    int maxChars = arguments.getValue("max_chars") instanceof Number n ? Math.max(100, n.intValue()) : DEFAULT_MAX_CHARS;
    if (providers == null) {
      return direct(text.trim(), maxChars);
    }
    return providers.active(context.orgId(), "web_fetch").compose(reader -> reader == null
        ? direct(text.trim(), maxChars)
        : fetcher.checkTarget(text.trim()).compose(ok -> ReaderFetch.fetch(
            reader.platform() ? fetcher.withPolicy(address -> true) : fetcher, reader, text.trim()))
            .map(result -> cut(result, maxChars)));
  }

  private static JsonObject cut(JsonObject result, int maxChars) {
    String content = result.getString("content", "");
    if (content.length() > maxChars) {
      result.put("content", content.substring(0, maxChars)).put("truncated", true);
    }
    return result;
  }

  private Future<JsonObject> direct(String url, int maxChars) {
    return fetcher.fetch(HttpMethod.GET, url, null, null).compose(response -> {
      if (response.status() >= 400) {
        return Future.failedFuture(new ToolException("tool.http_error", "the server answered " + response.status()));
      }
      String type = response.contentType() == null ? "" : response.contentType().toLowerCase();
      String body = response.body().toString(StandardCharsets.UTF_8);
      boolean html = type.contains("html") || (type.isEmpty() && body.stripLeading().startsWith("<"));
      String content = html ? HtmlText.text(body) : body;
      boolean cut = response.truncated() || content.length() > maxChars;
      JsonObject result = new JsonObject().put("url", response.url()).put("status", response.status())
          .put("content_type", response.contentType())
          .put("content", content.length() > maxChars ? content.substring(0, maxChars) : content)
          .put("truncated", cut);
      if (html) {
        result.put("title", HtmlText.title(body));
      }
      return Future.succeededFuture(result);
    });
  }
}
