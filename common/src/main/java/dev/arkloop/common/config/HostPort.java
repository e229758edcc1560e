package dev.arkloop.common.config;

/** A host and port pair, parsed from {@code host:port}. */
public record HostPort(String host, int port) {

  public static HostPort parse(String value) {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      throw new IllegalArgumentException("expected host:port");
    }
    String host = value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected host:port with a numeric port");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535");
    }
    return new HostPort(host, port);
  }

  /**
   * Whether a server on this address and one on {@code other} would take the same socket: the same
   * port (not 0, which asks the system for a free one) on the same host or where either is a wildcard.
   */
  public boolean sharesSocketWith(HostPort other) {
    return port != 0 && port == other.port
        && (host.equalsIgnoreCase(other.host) || wildcard(host) || wildcard(other.host));
  }

  private static boolean wildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("*");
  }

  @Override
  public String toString() {
    return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
  }
}
