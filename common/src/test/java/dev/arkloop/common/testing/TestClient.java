package dev.arkloop.common.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** A real HTTP client for API tests, blocking the test thread on each call (never an event loop). */
public final class TestClient {
  private final WebClient client;
  private final int port;
  private final MultiMap headers;

  public TestClient(Vertx vertx, int port) {
    this(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")),
        port, MultiMap.caseInsensitiveMultiMap());
  }

  private TestClient(WebClient client, int port, MultiMap headers) {
    this.client = client;
    this.port = port;
    this.headers = headers;
  }

  /** The same client sending {@code Authorization: Bearer token} on every request. */
  public TestClient withBearer(String token) {
    return withHeader("Authorization", "Bearer " + token);
  }

  public TestClient withHeader(String name, String value) {
    MultiMap copy = MultiMap.caseInsensitiveMultiMap().addAll(headers).set(name, value);
    return new TestClient(client, port, copy);
  }

  public int port() {
    return port;
  }

  /** The headers this client sends on every request (e.g. for an SSE client of the same user). */
  public java.util.Map<String, String> headers() {
    java.util.Map<String, String> copy = new java.util.HashMap<>();
    headers.forEach(entry -> copy.put(entry.getKey(), entry.getValue()));
    return copy;
  }

  public HttpResponse<Buffer> get(String path) {
    return send(HttpMethod.GET, path, null);
  }

  public HttpResponse<Buffer> delete(String path) {
    return send(HttpMethod.DELETE, path, null);
  }

  public HttpResponse<Buffer> post(String path, JsonObject body) {
    return send(HttpMethod.POST, path, body == null ? null : body.toBuffer());
  }

  public HttpResponse<Buffer> patch(String path, JsonObject body) {
    return send(HttpMethod.PATCH, path, body.toBuffer());
  }

  public HttpResponse<Buffer> put(String path, JsonObject body) {
    return send(HttpMethod.PUT, path, body.toBuffer());
  }

  /** Sends raw bytes as JSON (for malformed-body tests). */
  public HttpResponse<Buffer> sendRaw(HttpMethod method, String path, String body) {
    return send(method, path, Buffer.buffer(body));
  }

  /**
   * Sends the request; when the node installed its contract ({@link ContractCheck}), a response that
   * breaks it fails the calling test.
   */
  public HttpResponse<Buffer> send(HttpMethod method, String path, Buffer body) {
    HttpRequest<Buffer> request = client.request(method, port, "127.0.0.1", path).putHeaders(headers);
    HttpResponse<Buffer> response;
    if (body != null) {
      request.putHeader("Content-Type", "application/json");
      response = Await.await(request.sendBuffer(body));
    } else {
      response = Await.await(request.send());
    }
    ContractCheck contract = ContractCheck.forPort(port);
    if (contract != null) {
      contract.checkResponse(method, path, response);
    }
    return response;
  }

  /** Asserts the error envelope: status, code, and a trace id equal to {@code X-Trace-Id}. */
  public static JsonObject assertError(HttpResponse<Buffer> response, int status, String code) {
    assertEquals(status, response.statusCode(), () -> "body: " + response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals(code, body.getString("error"), body::encode);
    assertEquals(code, body.getString("code"));
    assertNotNull(body.getString("message"));
    assertNotNull(body.getJsonObject("details"));
    String traceId = response.getHeader("X-Trace-Id");
    assertNotNull(traceId);
    assertEquals(traceId, body.getString("trace_id"));
    assertTrue(response.getHeader("Content-Type").startsWith("application/json"));
    return body;
  }

  public static JsonObject assertStatus(HttpResponse<Buffer> response, int status) {
    assertEquals(status, response.statusCode(), () -> "body: " + response.bodyAsString());
    return response.body() == null || response.body().length() == 0 ? null : response.bodyAsJsonObject();
  }
}
