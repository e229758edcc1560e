package dev.arkloop.common.error;

import io.vertx.core.json.JsonObject;

/**
 * A rule of the domain refused an operation: something is missing, already exists, has run out, or
 * is not allowed. Repositories and services throw it without knowing HTTP; the API's one error
 * handler maps each {@link Kind} to a status. {@code code} is the stable error code clients branch
 * on ({@code threads.not_found}, {@code redemption_codes.expired}).
 */
public class DomainException extends RuntimeException {
  /** What kind of refusal this is; the API maps each kind to exactly one HTTP status. */
  public enum Kind {
    INVALID,
    NOT_FOUND,
    CONFLICT,
    GONE,
    FORBIDDEN,
    PAYMENT_REQUIRED,
    LIMITED,
    UNPROCESSABLE
  }

  private final Kind kind;
  private final String code;
  private final JsonObject details;

  public DomainException(Kind kind, String code, String message, JsonObject details) {
    super(message, null, false, false);
    this.kind = kind;
    this.code = code;
    this.details = details == null ? new JsonObject() : details;
  }

  public Kind kind() {
    return kind;
  }

  public String code() {
    return code;
  }

  public JsonObject details() {
    return details;
  }

  /** {@code <resource>.not_found}: missing, or belonging to someone the caller may not see. */
  public static DomainException notFound(String resource) {
    String word = resource.replace('_', ' ');
    String single = word.endsWith("s") ? word.substring(0, word.length() - 1) : word;
    return new DomainException(Kind.NOT_FOUND, resource + ".not_found",
        Character.toUpperCase(single.charAt(0)) + single.substring(1) + " not found", null);
  }

  public static DomainException conflict(String code, String message) {
    return new DomainException(Kind.CONFLICT, code, message, null);
  }

  /** A uniqueness conflict on one field: {@code <resource>.<field>_conflict}, the field in details. */
  public static DomainException fieldConflict(String resource, String field, String message) {
    return new DomainException(Kind.CONFLICT, resource + "." + field + "_conflict", message,
        new JsonObject().put("field", field));
  }

  public static DomainException invalid(String field, String message) {
    return new DomainException(Kind.INVALID, "validation.error", message, new JsonObject().put("field", field));
  }

  public static DomainException forbidden(String reason, String message) {
    return new DomainException(Kind.FORBIDDEN, "auth.forbidden", message, new JsonObject().put("reason", reason));
  }
}
