package dev.arkloop.api.tools;

import dev.arkloop.common.error.ApiException;
import java.net.URI;
import java.net.URISyntaxException;

/** Checks a configured service URL: absolute http(s) with a host; a trailing {@code /} is stripped. */
final class BaseUrls {
  private BaseUrls() {}

  static String check(String field, String value) {
    if (value == null) {
      return null;
    }
    String url = value.trim();
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null || uri.getScheme() == null
          || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
          || url.length() > 2000) {
        throw ApiException.invalid(field, field + " must be an http or https URL");
      }
    } catch (URISyntaxException e) {
      throw ApiException.invalid(field, field + " must be an http or https URL");
    }
    while (url.endsWith("/")) {
      url = url.substring(0, url.length() - 1);
    }
    return url;
  }
}
