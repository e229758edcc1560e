package dev.arkloop.api.contract;

import dev.arkloop.api.http.RouteTable;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Builds the OpenAPI 3.1 document from the route table (what is mounted, with its permissions) and
 * the contract registry (bodies, parameters, responses and error codes of declared operations).
 */
public final class OpenApiDocument {
  public static final String VERSION = "0.1.0";
  private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");
  private static final Map<Integer, String> STATUS_TEXT = Map.ofEntries(
      Map.entry(200, "OK"), Map.entry(201, "Created"), Map.entry(204, "No content"),
      Map.entry(400, "Invalid parameter or value"), Map.entry(401, "Not authenticated"),
      Map.entry(403, "Not permitted"), Map.entry(404, "Not found"), Map.entry(409, "Conflict"),
      Map.entry(413, "Body too large"), Map.entry(415, "Unsupported media type"),
      Map.entry(422, "Body could not be parsed into the request"), Map.entry(429, "Rate limited"),
      Map.entry(500, "Internal error"), Map.entry(503, "Unavailable"));

  private OpenApiDocument() {}

  /**
   * @throws IllegalStateException when a mounted route has no declaration: every route needs one
   */
  public static JsonObject build(List<RouteTable.Entry> routes, ContractRegistry contracts) {
    requireDeclared(routes, contracts);
    Map<String, Boolean> hasGet = new LinkedHashMap<>();
    routes.forEach(route -> hasGet.merge(route.templatePath(), route.method().equals("GET"), Boolean::logicalOr));
    Map<String, JsonObject> paths = new TreeMap<>();
    Set<String> usedIds = new HashSet<>();
    Set<String> tags = new java.util.TreeSet<>();
    for (RouteTable.Entry route : routes) {
      String path = route.templatePath();
      OperationContract contract = contracts.find(route.method(), path);
      String id = uniqueId(usedIds, route, contract, hasGet.get(path));
      String tag = tag(path);
      tags.add(tag);
      JsonObject operation = operation(route, contract, id, tag);
      paths.computeIfAbsent(path, p -> new JsonObject()).put(route.method().toLowerCase(), operation);
    }
    JsonArray tagList = new JsonArray();
    tags.forEach(tag -> tagList.add(new JsonObject().put("name", tag)));
    return new JsonObject()
        .put("openapi", "3.1.0")
        .put("jsonSchemaDialect", "https://spec.openapis.org/oas/3.1/dialect/base")
        .put("info", new JsonObject().put("title", "Arkloop API").put("version", VERSION)
            .put("description", "REST API of Arkloop, a self-hostable server for AI agents. Errors use one envelope "
                + "(`ErrorEnvelope`); every response carries `X-Trace-Id`. Run events stream as Server-Sent "
                + "Events, described by the AsyncAPI document at `/v1/asyncapi.json`. Action routes also "
                + "answer in colon form: `POST /v1/runs/{run_id}:cancel` is `POST /v1/runs/{run_id}/cancel`.")
            .put("license", new JsonObject().put("name", "Apache-2.0").put("identifier", "Apache-2.0")))
        .put("servers", new JsonArray().add(new JsonObject().put("url", "/")))
        .put("tags", tagList)
        .put("security", new JsonArray().add(new JsonObject().put("bearerAuth", new JsonArray()))
            .add(new JsonObject().put("apiKey", new JsonArray())))
        .put("paths", new JsonObject(new LinkedHashMap<>(paths)))
        .put("components", components(contracts));
  }

  /** @throws IllegalStateException naming every route that has no declaration */
  public static void requireDeclared(List<RouteTable.Entry> routes, ContractRegistry contracts) {
    List<String> undeclared = routes.stream()
        .filter(route -> contracts.find(route.method(), route.templatePath()) == null)
        .map(route -> route.method() + " " + route.templatePath()).toList();
    if (!undeclared.isEmpty()) {
      throw new IllegalStateException("routes without a contract entry (declare them in a *Contracts class of "
          + "dev.arkloop.api.contract): " + undeclared);
    }
  }

  private static String uniqueId(Set<String> used, RouteTable.Entry route, OperationContract contract,
      Boolean hasGet) {
    String id = route.operationId() != null ? route.operationId()
        : contract != null && contract.operationId() != null ? contract.operationId()
        : OperationIds.derive(route.method(), route.templatePath(), Boolean.TRUE.equals(hasGet));
    String candidate = id;
    for (int n = 2; !used.add(candidate); n++) {
      candidate = id + "." + route.method().toLowerCase() + (n > 2 ? n : "");
    }
    return candidate;
  }

  static String tag(String path) {
    String[] parts = path.split("/");
    if (parts.length > 2 && parts[1].equals("v1")) {
      String first = parts[2];
      if (first.startsWith("openapi") || first.startsWith("asyncapi")) {
        return "contract";
      }
      return first;
    }
    return parts.length > 1 && parts[1].equals("docs") ? "contract" : "operations";
  }

  private static JsonObject operation(RouteTable.Entry route, OperationContract contract, String id, String tag) {
    JsonObject op = new JsonObject().put("operationId", id).put("tags", new JsonArray().add(tag));
    op.put("summary", contract.summary());
    StringBuilder description = new StringBuilder();
    if (contract.descriptionText() != null) {
      description.append(contract.descriptionText()).append("\n\n");
    }
    if (!route.permissions().isEmpty()) {
      description.append("Requires permission ").append(String.join(" and ", route.permissions().stream()
          .map(p -> "`" + p + "`").toList())).append(". ");
    } else if (route.authenticated()) {
      description.append("Any authenticated caller. ");
    } else {
      description.append("Public. ");
    }
    if (route.auditAction() != null) {
      description.append("Audited as `").append(route.auditAction()).append("`.");
    }
    op.put("description", description.toString().trim());
    if (!route.permissions().isEmpty()) {
      op.put("x-permissions", new JsonArray(route.permissions()));
    }
    op.put("security", security(route));

    JsonArray parameters = new JsonArray();
    for (String name : route.pathParameters()) {
      parameters.add(new JsonObject().put("name", name).put("in", "path").put("required", true)
          .put("schema", pathSchema(name).toJson()));
    }
    boolean hasQuery = false;
    for (OperationContract.Parameter p : contract.parameters()) {
      hasQuery |= p.in().equals("query");
      JsonObject param = new JsonObject().put("name", p.name()).put("in", p.in()).put("required", p.required())
          .put("schema", p.schema().toJson());
      if (p.description() != null) {
        param.put("description", p.description());
      }
      parameters.add(param);
    }
    if (!parameters.isEmpty()) {
      op.put("parameters", parameters);
    }

    boolean takesBody = contract.body() != null && BODY_METHODS.contains(route.method());
    if (contract.body() != null) {
      op.put("requestBody", new JsonObject().put("required", contract.bodyRequired()).put("content",
          new JsonObject().put(contract.bodyContentType(), new JsonObject().put("schema", contract.body().toJson()))));
    }

    Map<Integer, List<String>> errors = standardErrors(route, takesBody, hasQuery);
    contract.errors().forEach((status, codes) -> codes.forEach(code -> {
      List<String> list = errors.computeIfAbsent(status, s -> new ArrayList<>());
      if (!list.contains(code)) {
        list.add(code);
      }
    }));
    JsonObject responses = new JsonObject();
    int successStatus = successStatus(route, contract);
    responses.put(String.valueOf(successStatus), success(successStatus, contract));
    contract.otherSuccesses().forEach((status, text) -> responses.put(String.valueOf(status),
        success(status, contract).put("description", text)));
    new TreeMap<>(errors).forEach((status, codes) -> responses.put(String.valueOf(status), error(status, codes)));
    contract.ownResponses().forEach((status, own) -> responses.put(String.valueOf(status), new JsonObject()
        .put("description", own.getKey()).put("headers", traceHeader()).put("content", new JsonObject()
            .put("application/json", new JsonObject().put("schema", own.getValue().toJson())))));
    op.put("responses", responses);
    return op;
  }

  private static JsonArray security(RouteTable.Entry route) {
    if (route.path().equals("/v1/auth/refresh")) {
      return new JsonArray().add(new JsonObject().put("refreshCookie", new JsonArray()));
    }
    if (!route.authenticated()) {
      return new JsonArray();
    }
    return new JsonArray().add(new JsonObject().put("bearerAuth", new JsonArray()))
        .add(new JsonObject().put("apiKey", new JsonArray()));
  }

  private static JsonSchema pathSchema(String name) {
    if (name.equals("id") || name.endsWith("_id")) {
      return JsonSchema.uuid();
    }
    return JsonSchema.string().with("minLength", 1);
  }

  /** The errors any route of this shape can answer with. */
  private static Map<Integer, List<String>> standardErrors(RouteTable.Entry route, boolean takesBody,
      boolean mayTakeQuery) {
    Map<Integer, List<String>> errors = new LinkedHashMap<>();
    // authenticated routes also read X-Account-Id (a malformed one is a 400)
    if (takesBody || !route.pathParameters().isEmpty() || mayTakeQuery || route.authenticated()) {
      errors.put(400, new ArrayList<>(List.of("validation.error")));
    }
    if (takesBody) {
      errors.put(413, new ArrayList<>(List.of("validation.body_too_large")));
      errors.put(415, new ArrayList<>(List.of("validation.unsupported_media_type")));
      errors.put(422, new ArrayList<>(List.of("validation.error")));
    }
    if (route.authenticated()) {
      errors.put(401, new ArrayList<>(List.of("auth.unauthorized")));
      errors.put(403, new ArrayList<>(List.of("auth.forbidden", "policy.denied"))); // policy.denied: IP rules
    }
    if (!route.pathParameters().isEmpty()) {
      errors.put(404, new ArrayList<>(List.of("not_found")));
    }
    errors.put(429, new ArrayList<>(List.of("rate_limit")));
    errors.put(500, new ArrayList<>(List.of("internal_error")));
    errors.put(503, new ArrayList<>(List.of("unavailable", "auth.not_configured", "database.not_configured")));
    return errors;
  }

  /** A declared operation without a response body answers 204 (the handler's null). */
  private static int successStatus(RouteTable.Entry route, OperationContract contract) {
    return contract.response() == null && route.successStatus() == 200 ? 204 : route.successStatus();
  }

  private static JsonObject success(int status, OperationContract contract) {
    JsonObject response = new JsonObject().put("description", STATUS_TEXT.getOrDefault(status, "OK"))
        .put("headers", traceHeader());
    if (status == 204 || contract.response() == null) {
      return response;
    }
    response.put("content", new JsonObject().put(contract.responseContentType(), new JsonObject()
        .put("schema", contract.response().toJson())));
    contract.responseHeaders().forEach((name, text) -> response.getJsonObject("headers").put(name,
        new JsonObject().put("description", text).put("schema", new JsonObject().put("type", "string"))));
    return response;
  }

  private static JsonObject traceHeader() {
    return new JsonObject().put("X-Trace-Id", new JsonObject().put("$ref", "#/components/headers/TraceId"));
  }

  private static JsonObject error(int status, List<String> codes) {
    JsonObject schema = new JsonObject().put("allOf", new JsonArray().add(new JsonObject().put("$ref",
        "#/components/schemas/ErrorEnvelope")).add(new JsonObject().put("properties", new JsonObject()
        .put("error", new JsonObject().put("enum", new JsonArray(codes))))));
    JsonObject headers = traceHeader();
    if (status == 429) {
      headers.put("Retry-After", new JsonObject().put("description", "seconds to wait before retrying")
          .put("schema", new JsonObject().put("type", "integer")));
    }
    return new JsonObject()
        .put("description", STATUS_TEXT.getOrDefault(status, "Error") + ". Codes: "
            + String.join(", ", codes.stream().map(c -> "`" + c + "`").toList()))
        .put("headers", headers)
        .put("content", new JsonObject().put("application/json", new JsonObject().put("schema", schema)));
  }

  private static JsonObject components(ContractRegistry contracts) {
    JsonObject schemas = new JsonObject();
    contracts.schemas().forEach((name, schema) -> schemas.put(name, schema.toJson()));
    return new JsonObject()
        .put("schemas", schemas)
        .put("headers", new JsonObject().put("TraceId", new JsonObject()
            .put("description", "32 lowercase hex characters identifying this request")
            .put("schema", new JsonObject().put("type", "string").put("pattern", "^[0-9a-f]{32}$"))))
        .put("securitySchemes", new JsonObject()
            .put("bearerAuth", new JsonObject().put("type", "http").put("scheme", "bearer").put("bearerFormat", "JWT")
                .put("description", "Access token from /v1/auth/login, /v1/auth/register or /v1/auth/refresh"))
            .put("apiKey", new JsonObject().put("type", "http").put("scheme", "bearer").put("bearerFormat", "al_<64 hex>")
                .put("description", "An API key (prefix `al_`) sent as a bearer credential"))
            .put("refreshCookie", new JsonObject().put("type", "apiKey").put("in", "cookie")
                .put("name", "arkloop_refresh_token")
                .put("description", "Refresh token cookie (HttpOnly, Path=/v1/auth), rotated on each use")));
  }
}
