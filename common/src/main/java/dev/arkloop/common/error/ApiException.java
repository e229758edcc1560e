package dev.arkloop.common.error;

import io.vertx.core.json.JsonObject;

/**
 * The one exception type that becomes an HTTP error envelope
 * {@code {error, message, trace_id, details}}. Anything else thrown is a 500.
 */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String code;
  private final JsonObject details;

  public ApiException(int status, String code, String message, JsonObject details) {
    super(message, null, false, false);
    this.status = status;
    this.code = code;
    this.details = details == null ? new JsonObject() : details;
  }

  public ApiException(int status, String code, String message) {
    this(status, code, message, null);
  }

  public int status() {
    return status;
  }

  public String code() {
    return code;
  }

  public JsonObject details() {
    return details;
  }

  /** 400: a parsed value failed validation. */
  public static ApiException invalid(String field, String message) {
    return new ApiException(400, "validation.error", message, new JsonObject().put("field", field));
  }

  /** A request that could not be read as HTTP (malformed, too long): {@code validation.error} with a reason. */
  public static ApiException invalidRequest(int status, String reason, String message) {
    return new ApiException(status, "validation.error", message, new JsonObject().put("reason", reason));
  }

  /** 422: the body could not be parsed into the request (not JSON, wrong JSON type). */
  public static ApiException unparseable(String field, String message) {
    JsonObject details = new JsonObject();
    if (field != null) {
      details.put("field", field);
    }
    return new ApiException(422, "validation.error", message, details);
  }

  /** 404 {@code <resource>.not_found}. */
  public static ApiException notFound(String resource) {
    return new ApiException(404, resource + ".not_found", singular(resource) + " not found");
  }

  public static ApiException conflict(String code, String message) {
    return new ApiException(409, code, message);
  }

  /**
   * A uniqueness conflict on one field: 409 {@code <resource>.<field>_conflict} with the field in
   * {@code details.field}, the code clients branch on.
   */
  public static ApiException fieldConflict(String resource, String field, String message) {
    return new ApiException(409, resource + "." + field + "_conflict", message, new JsonObject().put("field", field));
  }

  public static ApiException unauthorized(String reason, String message) {
    return new ApiException(401, "auth.unauthorized", message, new JsonObject().put("reason", reason));
  }

  public static ApiException forbidden(String reason, String message) {
    return new ApiException(403, "auth.forbidden", message, new JsonObject().put("reason", reason));
  }

  private static String singular(String resource) {
    String word = resource.replace('_', ' ');
    String single = word.endsWith("s") ? word.substring(0, word.length() - 1) : word;
    return Character.toUpperCase(single.charAt(0)) + single.substring(1);
  }
}
