package dev.arkloop.api.contract;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the contract says about one operation beyond the route table: its request body, query and
 * header parameters with their limits, its success response, and the error codes it can answer with.
 */
public final class OperationContract {
  /** A query or header parameter. */
  public record Parameter(String in, String name, boolean required, JsonSchema schema, String description) {}

  private final String summary;
  private String operationId;
  private JsonSchema body;
  private String bodyContentType = "application/json";
  private boolean bodyRequired;
  private JsonSchema response;
  private String responseContentType = "application/json";
  private String description;
  private final List<Parameter> parameters = new ArrayList<>();
  private final Map<Integer, List<String>> errors = new LinkedHashMap<>();
  private final Map<String, String> responseHeaders = new LinkedHashMap<>();
  private final Map<Integer, String> otherSuccesses = new LinkedHashMap<>();
  private final Map<Integer, Map.Entry<String, JsonSchema>> ownResponses = new LinkedHashMap<>();

  OperationContract(String summary) {
    this.summary = summary;
  }

  public OperationContract operationId(String id) {
    this.operationId = id;
    return this;
  }

  public OperationContract description(String text) {
    this.description = text;
    return this;
  }

  public OperationContract body(JsonSchema schema) {
    this.body = schema;
    this.bodyRequired = true;
    return this;
  }

  /** A body that is not JSON (raw bytes, a multipart form). */
  public OperationContract body(String contentType, JsonSchema schema) {
    this.bodyContentType = contentType;
    return body(schema);
  }

  /** A body that may be omitted entirely. */
  public OperationContract optionalBody(JsonSchema schema) {
    this.body = schema;
    this.bodyRequired = false;
    return this;
  }

  public OperationContract query(String name, JsonSchema schema, String description) {
    parameters.add(new Parameter("query", name, false, schema, description));
    return this;
  }

  public OperationContract requiredQuery(String name, JsonSchema schema, String description) {
    parameters.add(new Parameter("query", name, true, schema, description));
    return this;
  }

  public OperationContract header(String name, JsonSchema schema, String description) {
    parameters.add(new Parameter("header", name, false, schema, description));
    return this;
  }

  public OperationContract returns(JsonSchema schema) {
    this.response = schema;
    return this;
  }

  /** A response that is not JSON (an event stream, raw bytes). */
  public OperationContract returns(String contentType, JsonSchema schema) {
    this.responseContentType = contentType;
    this.response = schema;
    return this;
  }

  /** Another success status the handler sets itself (e.g. 200 for a replaced file, 201 for a new one). */
  public OperationContract alsoSucceedsWith(int status, String description) {
    otherSuccesses.put(status, description);
    return this;
  }

  /** A response with its own body instead of the error envelope (e.g. the readiness probe's 503). */
  public OperationContract respondsWith(int status, String description, JsonSchema schema) {
    ownResponses.put(status, Map.entry(description, schema));
    return this;
  }

  public Map<Integer, Map.Entry<String, JsonSchema>> ownResponses() {
    return ownResponses;
  }

  public Map<Integer, String> otherSuccesses() {
    return otherSuccesses;
  }

  public OperationContract responseHeader(String name, String description) {
    responseHeaders.put(name, description);
    return this;
  }

  /** Error codes this operation answers with at {@code status}, beyond the standard ones. */
  public OperationContract errors(int status, String... codes) {
    List<String> list = errors.computeIfAbsent(status, s -> new ArrayList<>());
    for (String code : codes) {
      if (!list.contains(code)) {
        list.add(code);
      }
    }
    return this;
  }

  public String summary() {
    return summary;
  }

  public String operationId() {
    return operationId;
  }

  public String descriptionText() {
    return description;
  }

  public JsonSchema body() {
    return body;
  }

  public String bodyContentType() {
    return bodyContentType;
  }

  public boolean bodyRequired() {
    return bodyRequired;
  }

  public JsonSchema response() {
    return response;
  }

  public String responseContentType() {
    return responseContentType;
  }

  public List<Parameter> parameters() {
    return List.copyOf(parameters);
  }

  public Map<Integer, List<String>> errors() {
    return errors;
  }

  public Map<String, String> responseHeaders() {
    return responseHeaders;
  }
}
