package dev.arkloop.common.testing;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Validates what tests receive against the node's served contract: every {@link TestClient}
 * response (its status is listed for the operation, it carries {@code X-Trace-Id}, its JSON body
 * matches the schema) and every {@link SseClient} event (against the AsyncAPI message of its type).
 * A node installs its documents by port; requests to routes the document does not know (unknown
 * paths, wrong methods) are not checked.
 */
public final class ContractCheck {
  private static final Map<Integer, ContractCheck> BY_PORT = new ConcurrentHashMap<>();
  private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  private record Template(String path, Pattern pattern, int parameters) {}

  private final JsonObject openApi;
  private final JsonObject asyncApi;
  private final List<Template> templates = new ArrayList<>();
  private final Map<String, Schema> compiled = new ConcurrentHashMap<>();

  private ContractCheck(JsonObject openApi, JsonObject asyncApi) {
    this.openApi = openApi;
    this.asyncApi = asyncApi;
    for (String path : openApi.getJsonObject("paths").fieldNames()) {
      String regex = Pattern.quote(path).replaceAll("\\{[^}]+}", "\\\\E[^/]+\\\\Q");
      templates.add(new Template(path, Pattern.compile(regex), path.split("\\{", -1).length - 1));
    }
    templates.sort(Comparator.comparingInt(Template::parameters));
  }

  /** Checks every later response from {@code port} against these documents. */
  public static void install(int port, JsonObject openApi, JsonObject asyncApi) {
    BY_PORT.put(port, new ContractCheck(openApi, asyncApi));
  }

  /** Fetches the node's documents with an unchecked client and installs them. */
  public static void install(TestClient unchecked) {
    JsonObject openApi = unchecked.send(HttpMethod.GET, "/v1/openapi.json", null).bodyAsJsonObject();
    JsonObject asyncApi = unchecked.send(HttpMethod.GET, "/v1/asyncapi.json", null).bodyAsJsonObject();
    install(unchecked.port(), openApi, asyncApi);
  }

  static ContractCheck forPort(int port) {
    return BY_PORT.get(port);
  }

  /** Throws an {@link AssertionError} when the response breaks the contract. */
  void checkResponse(HttpMethod method, String uri, HttpResponse<Buffer> response) {
    JsonObject operation = operation(method, uri);
    if (operation == null) {
      return;
    }
    String where = method.name() + " " + uri + " -> " + response.statusCode();
    JsonObject responses = operation.getJsonObject("responses");
    JsonObject declared = responses.getJsonObject(String.valueOf(response.statusCode()));
    if (declared == null) {
      throw new AssertionError("contract: status not listed for operation " + operation.getString("operationId")
          + " (" + where + "; listed " + responses.fieldNames() + "): " + response.bodyAsString());
    }
    if (response.getHeader("X-Trace-Id") == null) {
      throw new AssertionError("contract: no X-Trace-Id header (" + where + ")");
    }
    String contentType = response.getHeader("Content-Type");
    JsonObject json = declared.getJsonObject("content", new JsonObject()).getJsonObject("application/json");
    if (json == null || contentType == null || !contentType.startsWith("application/json")
        || response.body() == null || response.body().length() == 0) {
      return;
    }
    String key = operation.getString("operationId") + " " + response.statusCode();
    Schema schema = compiled.computeIfAbsent(key, k -> REGISTRY.getSchema(inline(json.getValue("schema"), 0)
        .toString(), InputFormat.JSON));
    List<com.networknt.schema.Error> errors = schema.validate(response.bodyAsString(), InputFormat.JSON);
    if (!errors.isEmpty()) {
      throw new AssertionError("contract: body does not match " + key + " (" + where + "): " + errors
          + "\nbody: " + response.bodyAsString());
    }
  }

  /** The violation of an SSE event envelope, or null when it matches its type's AsyncAPI message. */
  String checkEvent(JsonObject envelope) {
    String type = envelope.getString("type");
    JsonObject messages = asyncApi.getJsonObject("components").getJsonObject("messages");
    JsonObject message = null;
    for (String name : messages.fieldNames()) {
      if (messages.getJsonObject(name).getString("name").equals(type)) {
        message = messages.getJsonObject(name);
      }
    }
    if (message == null) {
      return "event type " + type + " has no AsyncAPI message";
    }
    JsonObject payload = message.getJsonObject("payload");
    Schema schema = compiled.computeIfAbsent("event " + type,
        k -> REGISTRY.getSchema(payload.encode(), InputFormat.JSON));
    List<com.networknt.schema.Error> errors = schema.validate(envelope.encode(), InputFormat.JSON);
    return errors.isEmpty() ? null : "event " + type + " does not match its AsyncAPI message: " + errors
        + "\nevent: " + envelope.encode();
  }

  private JsonObject operation(HttpMethod method, String uri) {
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    int lastSlash = path.lastIndexOf('/');
    int colon = path.indexOf(':', lastSlash);
    if (path.startsWith("/v1/") && colon > lastSlash + 1) {
      path = path.substring(0, colon) + "/" + path.substring(colon + 1);
    }
    for (Template template : templates) {
      if (template.pattern().matcher(path).matches()) {
        return openApi.getJsonObject("paths").getJsonObject(template.path()).getJsonObject(
            method.name().toLowerCase());
      }
    }
    return null;
  }

  /** The schema with {@code #/components/schemas/...} references replaced by what they name. */
  private Object inline(Object node, int depth) {
    if (depth > 64) {
      throw new IllegalStateException("schema references nest too deep");
    }
    if (node instanceof JsonObject object) {
      String ref = object.getString("$ref");
      if (ref != null && ref.startsWith("#/components/schemas/")) {
        return inline(openApi.getJsonObject("components").getJsonObject("schemas")
            .getJsonObject(ref.substring("#/components/schemas/".length())), depth + 1);
      }
      JsonObject copy = new JsonObject();
      object.forEach(entry -> copy.put(entry.getKey(), inline(entry.getValue(), depth + 1)));
      return copy;
    }
    if (node instanceof JsonArray array) {
      JsonArray copy = new JsonArray();
      array.forEach(item -> copy.add(inline(item, depth + 1)));
      return copy;
    }
    return node;
  }
}
