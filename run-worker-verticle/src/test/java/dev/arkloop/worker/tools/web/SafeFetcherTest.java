package dev.arkloop.worker.tools.web;

import dev.arkloop.common.net.AddressPolicy;
import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.arkloop.common.testing.Await;
import dev.arkloop.worker.tools.ToolContext;
import dev.arkloop.worker.tools.ToolException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.net.InetAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SSRF guard of tool HTTP against real local servers: every private, loopback, link-local,
 * CGNAT and metadata form is refused before any connection, on the first hop and on redirects.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SafeFetcherTest {
  private static Vertx vertx;
  private static Context loop;
  private static HttpServer local;
  private static HttpServer pretendPublic;
  private static final AtomicInteger HITS = new AtomicInteger();

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    loop = vertx.getOrCreateContext();
    local = await(vertx.createHttpServer().requestHandler(request -> {
      HITS.incrementAndGet();
      switch (request.path()) {
        case "/page" -> request.response().putHeader("Content-Type", "text/html; charset=utf-8")
            .end("<html><head><title>Hi &amp; bye</title><style>p{}</style></head><body><script>evil()</script>"
                + "<h1>Title</h1><p>Hello&nbsp;<b>world</b> &#x263A;</p><!-- gone --></body></html>");
        case "/big" -> request.response().end("x".repeat(50_000));
        case "/slow" -> request.response().setChunked(true).write("started");
        case "/loop" -> request.response().setStatusCode(302).putHeader("Location", "/loop").end();
        case "/missing" -> request.response().setStatusCode(404).end("no");
        default -> request.response().end("ok");
      }
    }).listen(0, "127.0.0.1"));
    pretendPublic = await(vertx.createHttpServer().requestHandler(request -> request.response().setStatusCode(302)
        .putHeader("Location", request.getParam("to")).end()).listen(0, "127.0.0.2"));
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  /** Tools run on a worker's event loop; so do the calls here (see {@link Await#onContext}). */
  private static <T> Future<T> onLoop(Supplier<Future<T>> call) {
    return Await.onContext(loop, call);
  }

  private static SafeFetcher fetcher(AddressPolicy policy) {
    return new SafeFetcher(vertx, policy, SafeFetcher.systemResolver(vertx), 10_000, 2_000);
  }

  private static ToolException refusal(SafeFetcher fetcher, String url) {
    try {
      await(onLoop(() -> fetcher.fetch(HttpMethod.GET, url, null, null)));
    } catch (RuntimeException e) {
      Throwable cause = e instanceof ToolException ? e : e.getCause() != null ? e.getCause() : e;
      if (cause instanceof ToolException tool) {
        return tool;
      }
      throw e;
    }
    return fail("fetched " + url);
  }

  @Test
  void privateLoopbackLinkLocalAndMetadataTargetsAreRefusedInEveryForm() {
    SafeFetcher guarded = fetcher(AddressPolicy.standard(false));
    int port = local.actualPort();
    int before = HITS.get();
    for (String url : List.of(
        "http://127.0.0.1:" + port + "/page",
        "http://localhost:" + port + "/page",
        "http://[::1]:" + port + "/page",
        "http://10.0.0.1/",
        "http://10.255.255.255:8080/x",
        "http://172.16.0.1/",
        "http://172.31.255.1/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://100.64.0.1/",
        "http://100.127.255.254/",
        "http://0.0.0.0:" + port + "/",
        "http://[::ffff:127.0.0.1]:" + port + "/page",
        "http://[::ffff:169.254.169.254]/",
        "http://[0:0:0:0:0:ffff:7f00:1]:" + port + "/",
        "http://[fd00:ec2::254]/latest/meta-data/",
        "http://[fe80::1]/",
        "http://[64:ff9b::7f00:1]/",
        "http://2130706433:" + port + "/page",
        "http://0x7f000001:" + port + "/page",
        "http://0177.0.0.1:" + port + "/page",
        "http://017700000001:" + port + "/page")) {
      assertEquals("tool.address_blocked", refusal(guarded, url).errorClass(), url);
    }
    // forms java.net.URI does not even read as a host are refused as malformed, never looked up
    for (String url : List.of("http://0x7f.1:" + port + "/page", "http://127.1:" + port + "/page", "http://0x7f.0x0.0x0.0x1:" + port + "/page")) {
      String errorClass = refusal(guarded, url).errorClass();
      assertTrue(errorClass.equals("tool.address_blocked") || errorClass.equals("tool.invalid_url"), url);
    }
    assertEquals(before, HITS.get(), "no refused request reached a server");
  }

  @Test
  void aPublicLookingNameThatRedirectsToLoopbackIsRefusedAtTheRedirect() {
    // 127.0.0.2 plays a public host: the policy lets exactly it through, like any public address
    AddressPolicy policy = address -> address.getHostAddress().equals("127.0.0.2") || AddressPolicy.isPublic(address);
    SafeFetcher.Resolver resolver = host -> host.equals("public.example")
        ? vertx.executeBlocking(() -> List.of(InetAddress.getByName("127.0.0.2")))
        : SafeFetcher.systemResolver(vertx).resolve(host);
    SafeFetcher fetcher = new SafeFetcher(vertx, policy, resolver, 10_000, 2_000);
    String hop = "http://public.example:" + pretendPublic.actualPort() + "/r?to=";
    int before = HITS.get();
    for (String target : List.of("http://127.0.0.1:" + local.actualPort() + "/page",
        "http://localhost:" + local.actualPort() + "/page", "http://169.254.169.254/", "http://[::1]/")) {
      assertEquals("tool.address_blocked", refusal(fetcher, hop + target).errorClass(), target);
    }
    assertEquals(before, HITS.get());
    assertEquals("tool.invalid_url", refusal(fetcher, hop + "file:///etc/passwd").errorClass());
  }

  @Test
  void urlsThatAreNotPlainHttpAreRefused() {
    SafeFetcher guarded = fetcher(AddressPolicy.standard(false));
    for (String url : List.of("file:///etc/passwd", "ftp://example.com/", "gopher://x/", "http://user:pw@example.com/",
        "not a url", "http:///nohost")) {
      assertEquals("tool.invalid_url", refusal(guarded, url).errorClass(), url);
    }
    assertEquals("tool.invalid_url", refusal(guarded, "http://999.1.1.1/").errorClass());
  }

  @Test
  void sizeTimeAndRedirectLimitsHold() {
    SafeFetcher open = fetcher(AddressPolicy.standard(true));
    String base = "http://127.0.0.1:" + local.actualPort();
    SafeFetcher.Response big = await(onLoop(() -> open.fetch(HttpMethod.GET, base + "/big", null, null)));
    assertTrue(big.truncated());
    assertEquals(10_000, big.body().length());
    assertEquals("tool.timeout", refusal(open, base + "/slow").errorClass());
    assertEquals("tool.too_many_redirects", refusal(open, base + "/loop").errorClass());
  }

  @Test
  void webFetchReturnsPagesAsText() {
    WebFetchTool tool = new WebFetchTool(fetcher(AddressPolicy.standard(true)), null);
    ToolContext context = new ToolContext(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), null, null);
    String base = "http://127.0.0.1:" + local.actualPort();
    JsonObject page = await(onLoop(() -> tool.call(new JsonObject().put("url", base + "/page"), context)));
    assertEquals("Hi & bye", page.getString("title"));
    assertEquals("Title\nHello world \u263A", page.getString("content"));
    assertFalse(page.getBoolean("truncated"));
    Future<JsonObject> missing = onLoop(() -> tool.call(new JsonObject().put("url", base + "/missing"), context));
    assertEquals("tool.http_error", ((ToolException) await(missing.transform(done ->
        Future.succeededFuture(done.cause())))).errorClass());
    Future<JsonObject> noUrl = onLoop(() -> tool.call(new JsonObject(), context));
    assertEquals("tool.invalid_arguments", ((ToolException) await(noUrl.transform(done ->
        Future.succeededFuture(done.cause())))).errorClass());
  }
}
