package dev.arkloop.api.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.ApiVerticleAccess;
import dev.arkloop.api.http.RouteTable;
import dev.arkloop.common.runs.EventTypes;
import dev.arkloop.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The served contract matches the router, validates against the specs' meta-schemas, and is served. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ContractDocumentTest {
  private static TestClient client;
  private static JsonObject openApi;
  private static JsonObject asyncApi;
  private static List<Route> routes;

  @BeforeAll
  static void start(Vertx vertx) {
    ApiVerticleAccess.Started started = ApiVerticleAccess.start(vertx, Map.of());
    client = started.client();
    routes = started.router().getRoutes();
    openApi = TestClient.assertStatus(client.get("/v1/openapi.json"), 200);
    asyncApi = TestClient.assertStatus(client.get("/v1/asyncapi.json"), 200);
    writeForTools("openapi.json", openApi);
    writeForTools("asyncapi.json", asyncApi);
  }

  /** Leaves the documents in target/contract/ for generators and linters run on the build's output. */
  private static void writeForTools(String name, JsonObject document) {
    try {
      java.nio.file.Path dir = java.nio.file.Path.of("target", "contract");
      java.nio.file.Files.createDirectories(dir);
      java.nio.file.Files.writeString(dir.resolve(name), document.encodePrettily());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void everyMountedRouteIsDocumentedAndEveryDocumentedRouteIsMounted() {
    Set<String> mounted = new TreeSet<>();
    for (Route route : routes) {
      if (route.methods() == null || route.methods().isEmpty() || route.getPath() == null) {
        continue; // handlers every request passes through (trace id, body, rate limits), not endpoints
      }
      String path = route.getPath().replaceAll(":([A-Za-z0-9_]+)", "{$1}");
      route.methods().forEach(method -> mounted.add(method.name() + " " + path));
    }
    Set<String> documented = new TreeSet<>();
    openApi.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).fieldNames()
        .forEach(method -> documented.add(method.toUpperCase() + " " + path.getKey())));
    Set<String> undocumented = new TreeSet<>(mounted);
    undocumented.removeAll(documented);
    Set<String> unmounted = new TreeSet<>(documented);
    unmounted.removeAll(mounted);
    assertEquals(Set.of(), undocumented, "mounted but not in /v1/openapi.json");
    assertEquals(Set.of(), unmounted, "in /v1/openapi.json but not mounted");
    assertTrue(documented.contains("POST /v1/threads/{thread_id}/runs"));
    assertTrue(documented.contains("GET /healthz"));
    assertTrue(documented.contains("GET /docs"));
  }

  /** Declarations of routes that are not mounted would silently never reach the document. */
  @Test
  void everyDeclarationIsMountedAndEveryMountedRouteIsDeclared() {
    Set<String> documented = new TreeSet<>();
    openApi.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).fieldNames()
        .forEach(method -> documented.add(method.toUpperCase() + " " + path.getKey())));
    Set<String> declared = new TreeSet<>(ContractRegistry.standard().operations().keySet());
    declared.remove("GET /docs"); // mounted only while the docs are on (they are here)
    declared.remove("GET /docs/{asset}");
    Set<String> stale = new TreeSet<>(declared);
    stale.removeAll(documented);
    assertEquals(Set.of(), stale, "declared but not mounted");
    for (String core : List.of("POST /v1/auth/register", "POST /v1/auth/login", "POST /v1/auth/refresh",
        "POST /v1/auth/logout", "GET /v1/me", "POST /v1/threads", "GET /v1/threads", "GET /v1/threads/{thread_id}",
        "POST /v1/threads/{thread_id}/messages", "GET /v1/threads/{thread_id}/messages",
        "POST /v1/threads/{thread_id}/runs", "GET /v1/runs/{run_id}", "POST /v1/runs/{run_id}/cancel",
        "POST /v1/runs/{run_id}/input", "GET /v1/runs/{run_id}/events", "POST /v1/projects", "GET /v1/projects")) {
      assertTrue(declared.contains(core), core + " has no declared contract");
    }
    Set<String> undeclared = new TreeSet<>(documented);
    undeclared.removeAll(ContractRegistry.standard().operations().keySet());
    assertEquals(Set.of(), undeclared, "documented without a declaration");
  }

  @Test
  void aRouteWithoutAContractEntryCannotBeDocumented() {
    RouteTable.Entry undeclared = new RouteTable.Entry("GET", "/v1/nowhere/:thing_id", List.of(), true, null, 200,
        false, null);
    IllegalStateException refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
        () -> OpenApiDocument.build(List.of(undeclared), ContractRegistry.standard()));
    assertTrue(refused.getMessage().contains("GET /v1/nowhere/{thing_id}"), refused.getMessage());
  }

  @Test
  void operationIdsAreUniqueAndReadable() {
    Map<String, String> ids = new java.util.HashMap<>();
    Set<String> seen = new HashSet<>();
    openApi.getJsonObject("paths").forEach(path -> ((JsonObject) path.getValue()).forEach(op -> {
      String id = ((JsonObject) op.getValue()).getString("operationId");
      assertTrue(seen.add(id), "duplicate operation id " + id);
      assertTrue(id.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*"), id);
      ids.put(op.getKey().toUpperCase() + " " + path.getKey(), id);
    }));
    assertEquals("threads.create", ids.get("POST /v1/threads"));
    assertEquals("threads.list", ids.get("GET /v1/threads"));
    assertEquals("threads.get", ids.get("GET /v1/threads/{thread_id}"));
    assertEquals("threads.messages.create", ids.get("POST /v1/threads/{thread_id}/messages"));
    assertEquals("threads.runs.create", ids.get("POST /v1/threads/{thread_id}/runs"));
    assertEquals("runs.cancel", ids.get("POST /v1/runs/{run_id}/cancel"));
    assertEquals("auth.login", ids.get("POST /v1/auth/login"));
    assertEquals("me.get", ids.get("GET /v1/me"));
    assertEquals("threads.unstar", ids.get("DELETE /v1/threads/{thread_id}/star"));
  }

  @Test
  void derivedIdsFollowTheRules() {
    assertEquals("projects.delete", OperationIds.derive("DELETE", "/v1/projects/{project_id}", true));
    assertEquals("auth.email.otp.send", OperationIds.derive("POST", "/v1/auth/email/otp/send", false));
    assertEquals("me.usage.get", OperationIds.derive("GET", "/v1/me/usage", true));
    assertEquals("accounts.invitations.create", OperationIds.derive("POST", "/v1/accounts/{account_id}/invitations",
        true));
    assertEquals("threads.replace", OperationIds.derive("PUT", "/v1/threads/{thread_id}", true));
  }

  @Test
  void openApiDocumentValidatesAgainstTheOpenApi31MetaSchema() throws IOException {
    Schema meta = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
        .getSchema(resource("contract/meta/openapi-3.1.json"), InputFormat.JSON);
    List<Error> errors = meta.validate(openApi.encode(), InputFormat.JSON);
    assertEquals(List.of(), errors.stream().map(Object::toString).toList());
    assertEquals("3.1.0", openApi.getString("openapi"));
    assertFalse(meta.validate("{\"openapi\":\"3.1.0\",\"paths\":{}}", InputFormat.JSON).isEmpty(),
        "the meta-schema rejects a document without info");
  }

  @Test
  void asyncApiDocumentValidatesAgainstTheAsyncApi3MetaSchema() throws IOException {
    Schema meta = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
        .getSchema(resource("contract/meta/asyncapi-3.0.0.json"), InputFormat.JSON);
    List<Error> errors = meta.validate(asyncApi.encode(), InputFormat.JSON);
    assertEquals(List.of(), errors.stream().map(Object::toString).toList());
    JsonObject broken = asyncApi.copy();
    broken.getJsonObject("operations").getJsonObject("receiveRunEvents").put("action", "listen");
    assertFalse(meta.validate(broken.encode(), InputFormat.JSON).isEmpty(), "the meta-schema rejects a bad action");
    assertEquals("/v1/notifications/events", asyncApi.getJsonObject("channels").getJsonObject("notifications")
        .getString("address"), "the notifications stream is described too");
  }

  @Test
  void everyEventTypeHasAMessage() throws IllegalAccessException {
    Set<String> names = new HashSet<>();
    asyncApi.getJsonObject("components").getJsonObject("messages")
        .forEach(m -> names.add(((JsonObject) m.getValue()).getString("name")));
    for (Field field : EventTypes.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers()) && field.getType() == String.class) {
        String type = (String) field.get(null);
        assertTrue(names.contains(type), "no AsyncAPI message for " + type);
      }
    }
    JsonObject failed = asyncApi.getJsonObject("components").getJsonObject("messages").getJsonObject("runFailed");
    assertTrue(failed.encode().contains("provider.rate_limited"), "run.failed lists its error classes");
  }

  @Test
  void createRunListsItsConflictAndRateLimitAnswers() {
    JsonObject responses = openApi.getJsonObject("paths").getJsonObject("/v1/threads/{thread_id}/runs")
        .getJsonObject("post").getJsonObject("responses");
    assertTrue(responses.getJsonObject("409").getString("description").contains("runs.thread_busy"));
    assertTrue(responses.getJsonObject("429").getString("description").contains("rate_limit"));
    assertNotNull(responses.getJsonObject("201").getJsonObject("content").getJsonObject("application/json"));
  }

  @Test
  void securitySchemesCoverTokensKeysAndTheRefreshCookie() {
    JsonObject schemes = openApi.getJsonObject("components").getJsonObject("securitySchemes");
    assertEquals("bearer", schemes.getJsonObject("bearerAuth").getString("scheme"));
    assertEquals("cookie", schemes.getJsonObject("refreshCookie").getString("in"));
    JsonObject refresh = openApi.getJsonObject("paths").getJsonObject("/v1/auth/refresh").getJsonObject("post");
    assertTrue(refresh.getJsonArray("security").getJsonObject(0).containsKey("refreshCookie"));
    JsonObject login = openApi.getJsonObject("paths").getJsonObject("/v1/auth/login").getJsonObject("post");
    assertTrue(login.getJsonArray("security").isEmpty(), "login is public");
  }

  @Test
  void yamlAndTheDocsViewerAreServed() {
    HttpResponse<Buffer> yaml = client.get("/v1/openapi.yaml");
    assertEquals(200, yaml.statusCode());
    assertTrue(yaml.bodyAsString().contains("openapi: 3.1.0"), yaml.bodyAsString().substring(0, 200));
    HttpResponse<Buffer> page = client.get("/docs");
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("/docs/swagger-ui-bundle.js"));
    HttpResponse<Buffer> bundle = client.get("/docs/swagger-ui-bundle.js");
    assertEquals(200, bundle.statusCode());
    assertTrue(bundle.body().length() > 100_000);
    // dot segments never reach the router (the edge refuses them), so no file outside the viewer is served
    TestClient.assertError(client.get("/docs/..%2Fsecret"), 400, "validation.error");
  }

  @Test
  void docsCanBeTurnedOff(Vertx vertx) {
    TestClient off = ApiTestNode.start(vertx, dev.arkloop.common.testing.TestInfra.get().newEndpoints(),
        Map.of("ARKLOOP_DOCS_ENABLED", "0")).client();
    TestClient.assertError(off.get("/docs"), 404, "not_found");
    JsonObject document = TestClient.assertStatus(off.get("/v1/openapi.json"), 200);
    assertFalse(document.getJsonObject("paths").containsKey("/docs"));
  }

  @Test
  void theTestClientHookFailsAResponseThatBreaksTheDocument() {
    JsonObject tampered = openApi.copy();
    tampered.getJsonObject("paths").getJsonObject("/healthz").getJsonObject("get").getJsonObject("responses")
        .getJsonObject("200").getJsonObject("content").getJsonObject("application/json").getJsonObject("schema")
        .getJsonArray("required").add("uptime_seconds");
    dev.arkloop.common.testing.ContractCheck.install(client.port(), tampered, asyncApi);
    try {
      AssertionError error = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
          () -> client.get("/healthz"));
      assertTrue(error.getMessage().contains("uptime_seconds"), error.getMessage());
      JsonObject noCreated = openApi.copy();
      noCreated.getJsonObject("paths").getJsonObject("/healthz").getJsonObject("get").getJsonObject("responses")
          .remove("200");
      dev.arkloop.common.testing.ContractCheck.install(client.port(), noCreated, asyncApi);
      assertThrows(() -> client.get("/healthz"), "status not listed");
    } finally {
      dev.arkloop.common.testing.ContractCheck.install(client.port(), openApi, asyncApi);
    }
    assertEquals(200, client.get("/healthz").statusCode());
  }

  private static void assertThrows(org.junit.jupiter.api.function.Executable call, String text) {
    AssertionError error = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, call);
    assertTrue(error.getMessage().contains(text), error.getMessage());
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ContractDocumentTest.class.getClassLoader().getResourceAsStream(name)) {
      assertNotNull(in, name);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
