package dev.arkloop.api.admin;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.common.error.ApiException;

/** The fields of {@code PATCH /v1/admin/users/{id}}; the {@code *Set} flags tell "set to null" from "absent". */
record UserPatch(String status, String username, boolean emailSet, String email, Boolean emailVerified,
    boolean localeSet, String locale, boolean timezoneSet, String timezone) {

  static UserPatch from(RequestBody body) {
    String status = Fields.oneOf("status", body.optionalString("status"), "active", "suspended");
    String username = body.optionalString("username");
    if (username != null) {
      username = Fields.length("username", username.trim(), 1, 64);
    } else if (body.isNull("username")) {
      throw ApiException.invalid("username", "username must not be empty");
    }
    String email = body.optionalString("email");
    if (email != null) {
      email = Fields.email("email", email.trim());
    }
    String locale = Fields.length("locale", body.optionalString("locale"), 2, 35);
    String timezone = Fields.timezone("timezone", body.optionalString("timezone"));
    return new UserPatch(status, username, body.has("email"), email, body.optionalBoolean("email_verified"),
        body.has("locale"), locale, body.has("timezone"), timezone);
  }

  boolean suspends() {
    return "suspended".equals(status);
  }
}
