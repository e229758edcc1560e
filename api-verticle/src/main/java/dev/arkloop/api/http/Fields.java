package dev.arkloop.api.http;

import dev.arkloop.common.error.ApiException;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.regex.Pattern;

/** Value checks shared by request handlers; each failure is a 400 naming the field. */
public final class Fields {
  private static final Pattern EMAIL = Pattern.compile("^[^@\\s]{1,64}@[^@\\s]+\\.[^@\\s]+$");
  private static final Pattern LOGIN = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9_.-]{1,63}$");
  private static final Pattern SLUG = Pattern.compile("^[a-z0-9][a-z0-9-]{0,99}$");

  private Fields() {}

  /** The value, checked to be {@code min..max} characters long (null passes through). */
  public static String length(String field, String value, int min, int max) {
    if (value != null && (value.length() < min || value.length() > max)) {
      throw ApiException.invalid(field, field + " must be " + min + " to " + max + " characters");
    }
    return value;
  }

  public static String email(String field, String value) {
    if (value != null && (value.length() > 254 || !EMAIL.matcher(value).matches())) {
      throw ApiException.invalid(field, field + " must be an email address");
    }
    return value;
  }

  public static String login(String field, String value) {
    if (value != null && !LOGIN.matcher(value).matches()) {
      throw ApiException.invalid(field,
          field + " must be 2 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit");
    }
    return value;
  }

  public static String slug(String field, String value) {
    if (value != null && !SLUG.matcher(value).matches()) {
      throw ApiException.invalid(field, field + " must be 1 to 100 lowercase letters, digits or '-'");
    }
    return value;
  }

  public static String timezone(String field, String value) {
    if (value == null) {
      return null;
    }
    try {
      ZoneId.of(value);
      return value;
    } catch (DateTimeException e) {
      throw ApiException.invalid(field, field + " must be an IANA time zone such as Europe/Berlin");
    }
  }

  public static String oneOf(String field, String value, String... allowed) {
    if (value == null) {
      return null;
    }
    for (String option : allowed) {
      if (option.equals(value)) {
        return value;
      }
    }
    throw ApiException.invalid(field, field + " must be one of " + String.join(", ", allowed));
  }
}
