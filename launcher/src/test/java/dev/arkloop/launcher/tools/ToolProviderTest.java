package dev.arkloop.launcher.tools;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static dev.arkloop.launcher.RunEvents.one;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.LogCapture;
import dev.arkloop.launcher.RunEvents;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tool providers over HTTP (scopes, one active per group, masked sealed keys) and {@code web_search}
 * through each of them, against local fake SearXNG and Tavily servers.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ToolProviderTest {
  private static final String TAVILY_KEY = "tvly-SECRETkey0123456789wxyz";
  private static TestNode node;
  private static TestClient root;
  private static HttpServer searxng;
  private static HttpServer tavily;
  private static HttpServer jina;
  private static final List<String> SEEN = new CopyOnWriteArrayList<>();
  private static LogCapture logs;

  @BeforeAll
  static void start() {
    logs = LogCapture.attach();
    node = TestNode.start(Map.of("ARKLOOP_TOOLS_ALLOW_PRIVATE_NETWORK", "1",
        "ARKLOOP_TOOL_PROVIDER_CACHE_TTL_SECONDS", "0"));
    root = node.register("root");
    searxng = await(node.vertx().createHttpServer().requestHandler(request -> {
      SEEN.add("searxng " + request.path() + " format=" + request.getParam("format") + " q=" + request.getParam("q"));
      request.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("results",
          new JsonArray().add(new JsonObject().put("title", "Vert.x").put("url", "https://vertx.io/")
              .put("content", "reactive toolkit"))).encode());
    }).listen(0, "127.0.0.1"));
    tavily = await(node.vertx().createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      SEEN.add("tavily " + request.method() + " " + request.path() + " auth=" + request.getHeader("Authorization")
          .equals("Bearer " + TAVILY_KEY) + " query=" + body.toJsonObject().getString("query"));
      request.response().putHeader("Content-Type", "application/json").end(new JsonObject().put("results",
          new JsonArray().add(new JsonObject().put("title", "Tavily hit").put("url", "https://example.com/t")
              .put("content", "snippet"))).encode());
    })).listen(0, "127.0.0.1"));
    jina = await(node.vertx().createHttpServer().requestHandler(request -> {
      SEEN.add("jina " + request.uri() + " auth=" + ("Bearer jina_KEY0123456789".equals(request.getHeader("Authorization"))));
      request.response().putHeader("Content-Type", "text/plain").end("# Read by Jina");
    }).listen(0, "127.0.0.1"));
  }

  @AfterAll
  static void stop() {
    jina.close();
    node.close();
    logs.close();
  }

  private static JsonObject item(JsonObject list, String provider) {
    for (Object group : list.getJsonArray("groups")) {
      for (Object item : ((JsonObject) group).getJsonArray("providers")) {
        if (((JsonObject) item).getString("provider_name").equals(provider)) {
          return (JsonObject) item;
        }
      }
    }
    throw new AssertionError(provider + " not listed");
  }

  private static void noContent(HttpResponse<Buffer> response) {
    assertEquals(204, response.statusCode(), response.bodyAsString());
  }

  @Test
  void providersAreListedConfiguredAndActivatedPerScope() {
    TestClient alice = node.register("alice");
    JsonObject platform = root.get("/v1/tool-providers").bodyAsJsonObject();
    assertEquals(List.of("web_search", "web_fetch"), platform.getJsonArray("groups").stream()
        .map(g -> ((JsonObject) g).getString("group_name")).toList());
    JsonObject searx = item(platform, "web_search.searxng");
    assertFalse(searx.getBoolean("is_active"));
    assertTrue(searx.getBoolean("requires_base_url"));
    assertFalse(searx.getBoolean("configured"));

    assertError(alice.get("/v1/tool-providers"), 403, "auth.forbidden");
    assertError(alice.put("/v1/tool-providers/web_search/web_search.tavily/activate", new JsonObject()), 403,
        "auth.forbidden");
    assertError(alice.get("/v1/tool-providers?scope=nope"), 400, "validation.error");
    assertError(alice.put("/v1/tool-providers/web_search/web_search.bing/activate?scope=org", new JsonObject()), 404,
        "tool_providers.not_found");

    String tavilyPath = "/v1/tool-providers/web_search/web_search.tavily/";
    noContent(alice.put(tavilyPath + "credential?scope=org", new JsonObject()));
    assertError(alice.put("/v1/tool-providers/web_search/web_search.searxng/credential?scope=org",
        new JsonObject().put("api_key", "k-123456789012")), 422, "validation.error");
    assertError(alice.put(tavilyPath + "credential?scope=org", new JsonObject().put("api_key", 5)), 422,
        "validation.error");
    assertError(alice.put(tavilyPath + "credential?scope=org", new JsonObject().put("base_url", "ftp://x")), 400,
        "validation.error");
    HttpResponse<Buffer> set = alice.put(tavilyPath + "credential?scope=org", new JsonObject().put("api_key", TAVILY_KEY));
    noContent(set);
    JsonObject org = alice.get("/v1/tool-providers?scope=org").bodyAsJsonObject();
    JsonObject tav = item(org, "web_search.tavily");
    assertEquals("tvly-****wxyz", tav.getString("key_prefix"));
    assertTrue(tav.getBoolean("configured"));
    assertFalse(org.encode().contains("SECRETkey"), "the key is never returned");

    noContent(alice.put(tavilyPath + "activate?scope=org", new JsonObject()));
    noContent(alice.put("/v1/tool-providers/web_search/web_search.searxng/credential?scope=org",
        new JsonObject().put("base_url", "http://127.0.0.1:" + searxng.actualPort() + "/")));
    noContent(alice.put("/v1/tool-providers/web_search/web_search.searxng/activate?scope=org", new JsonObject()));
    org = alice.get("/v1/tool-providers?scope=org").bodyAsJsonObject();
    assertTrue(item(org, "web_search.searxng").getBoolean("is_active"));
    assertFalse(item(org, "web_search.tavily").getBoolean("is_active"), "one active per scope and group");
    assertEquals("http://127.0.0.1:" + searxng.actualPort(), item(org, "web_search.searxng").getString("base_url"));
    assertFalse(item(root.get("/v1/tool-providers").bodyAsJsonObject(), "web_search.searxng").getBoolean("is_active"),
        "the platform scope is separate");

    noContent(alice.put("/v1/tool-providers/web_search/web_search.searxng/deactivate?scope=org", new JsonObject()));
    noContent(alice.delete(tavilyPath + "credential?scope=org"));
    org = alice.get("/v1/tool-providers?scope=org").bodyAsJsonObject();
    assertNull(item(org, "web_search.tavily").getString("key_prefix"));
    assertFalse(item(org, "web_search.tavily").getBoolean("configured"));
    assertFalse(item(org, "web_search.searxng").getBoolean("is_active"));
  }

  @Test
  void webFetchReachesLocalPagesWhenPrivateTargetsAreAllowed() {
    RunEvents runs = new RunEvents(node);
    TestClient dave = node.register("dave");
    String url = "http://127.0.0.1:" + searxng.actualPort() + "/search?format=json&q=x";
    JsonObject result = one(runs.follow(dave, runs.start(dave, "/tool web_fetch {\"url\": \"" + url + "\"}",
        new JsonObject())), "tool.result");
    assertEquals(200, result.getJsonObject("result").getInteger("status"), result.encode());
    assertTrue(result.getJsonObject("result").getString("content").contains("reactive toolkit"));
  }

  @Test
  void webFetchGoesThroughAnActiveReaderProvider() {
    RunEvents runs = new RunEvents(node);
    TestClient erin = node.register("erin");
    String path = "/v1/tool-providers/web_fetch/web_fetch.jina/";
    noContent(erin.put(path + "credential?scope=org", new JsonObject().put("api_key", "jina_KEY0123456789")
        .put("base_url", "http://127.0.0.1:" + jina.actualPort())));
    noContent(erin.put(path + "activate?scope=org", new JsonObject()));
    // a public address literal: the reader fetches it, the test never contacts it
    JsonObject result = one(runs.follow(erin, runs.start(erin,
        "/tool web_fetch {\"url\": \"http://93.184.216.34/page\"}", new JsonObject())), "tool.result");
    assertEquals("# Read by Jina", result.getJsonObject("result").getString("content"), result.encode());
    assertEquals("jina", result.getJsonObject("result").getString("provider"));
    assertTrue(SEEN.contains("jina /http://93.184.216.34/page auth=true"), SEEN.toString());
  }

  @Test
  void webSearchGoesThroughTheAccountsProviderThenThePlatforms() {
    RunEvents runs = new RunEvents(node);
    TestClient bob = node.register("bob");
    TestClient carol = node.register("carol");
    String search = "/tool web_search {\"query\": \"vert.x 5\"}";

    JsonObject none = one(runs.follow(carol, runs.start(carol, search, new JsonObject())), "tool.result");
    assertEquals("tool.not_configured", none.getJsonObject("error").getString("error_class"));

    String searxPath = "/v1/tool-providers/web_search/web_search.searxng/";
    noContent(root.put(searxPath + "credential", new JsonObject()
        .put("base_url", "http://127.0.0.1:" + searxng.actualPort())));
    noContent(root.put(searxPath + "activate", new JsonObject()));
    JsonObject viaPlatform = one(runs.follow(carol, runs.start(carol, search, new JsonObject())), "tool.result");
    assertEquals("searxng", viaPlatform.getJsonObject("result").getString("provider"));
    assertEquals("https://vertx.io/", viaPlatform.getJsonObject("result").getJsonArray("results").getJsonObject(0)
        .getString("url"));
    assertTrue(SEEN.contains("searxng /search format=json q=vert.x 5"), SEEN.toString());

    String tavilyPath = "/v1/tool-providers/web_search/web_search.tavily/";
    noContent(bob.put(tavilyPath + "credential?scope=org", new JsonObject().put("api_key", TAVILY_KEY)
        .put("base_url", "http://127.0.0.1:" + tavily.actualPort())));
    noContent(bob.put(tavilyPath + "activate?scope=org", new JsonObject()));
    List<JsonObject> events = runs.follow(bob, runs.start(bob, search, new JsonObject()));
    JsonObject viaAccount = one(events, "tool.result");
    assertEquals("tavily", viaAccount.getJsonObject("result").getString("provider"), viaAccount.encode());
    assertEquals("Tavily hit", viaAccount.getJsonObject("result").getJsonArray("results").getJsonObject(0)
        .getString("title"));
    assertTrue(SEEN.contains("tavily POST /search auth=true query=vert.x 5"), SEEN.toString());
    assertFalse(events.toString().contains(TAVILY_KEY), "no key in run events");
    assertTrue(logs.size() > 0);
    assertEquals(List.of(), logs.containing("SECRETkey"), "no key in logs");
  }
}
