package dev.arkloop.common.net;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The shape every user-supplied outbound URL must have (provider base URLs, webhook endpoints). */
public final class OutboundUrls {
  public static final int MAX_LENGTH = 2048;

  private OutboundUrls() {}

  /**
   * Parses an absolute http(s) URL with a host, a valid port, no credentials and no fragment, at most
   * {@value #MAX_LENGTH} characters; fails with an {@link IllegalArgumentException} whose message
   * names {@code field}.
   */
  public static URI parse(String raw, String field) {
    if (raw.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(field + " must be at most " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(raw.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(field + " must be a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(field + " must be an http or https URL");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new IllegalArgumentException(field + " must have a host");
    }
    if (uri.getPort() > 65535) {
      throw new IllegalArgumentException(field + " has an invalid port");
    }
    if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException(field + " must not carry credentials or a fragment");
    }
    return uri;
  }
}
