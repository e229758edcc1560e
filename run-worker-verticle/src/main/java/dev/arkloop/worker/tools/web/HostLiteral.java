package dev.arkloop.worker.tools.web;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Reads a URL host that is an IP literal, in every form a resolver or browser accepts: bracketed
 * IPv6, and IPv4 as 1 to 4 parts each decimal, octal ({@code 0177}) or hex ({@code 0x7f}), so
 * {@code 2130706433}, {@code 0x7f000001} and {@code 0177.0.0.1} all mean 127.0.0.1 and are checked
 * as such.
 */
final class HostLiteral {
  private HostLiteral() {}

  /** True when the host looks numeric (only digits, dots and hex prefixes), so it is never looked up in DNS. */
  static boolean looksNumeric(String host) {
    return host.matches("(?i)[0-9a-fx.]+") && host.matches("(?i).*[0-9].*") && !host.matches("(?i).*[g-wyz].*")
        && (host.matches("[0-9.]+") || host.toLowerCase().contains("0x"));
  }

  /** The address of an IP literal, or null when the host is a name. Throws when numeric but malformed. */
  static InetAddress parse(String host) throws UnknownHostException {
    if (host.startsWith("[") && host.endsWith("]")) {
      return InetAddress.getByName(host.substring(1, host.length() - 1));
    }
    if (host.contains(":")) {
      return InetAddress.getByName(host);
    }
    if (!looksNumeric(host)) {
      return null;
    }
    String[] parts = host.split("\\.", -1);
    if (parts.length > 4) {
      throw new UnknownHostException("bad IPv4 literal");
    }
    long[] values = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      values[i] = part(parts[i]);
    }
    long address = 0;
    for (int i = 0; i < parts.length - 1; i++) {
      if (values[i] > 255) {
        throw new UnknownHostException("bad IPv4 literal");
      }
      address |= values[i] << (8 * (3 - i));
    }
    long last = values[parts.length - 1];
    if (last >= (1L << (8 * (5 - parts.length)))) {
      throw new UnknownHostException("bad IPv4 literal");
    }
    address |= last;
    return InetAddress.getByAddress(new byte[] {(byte) (address >> 24), (byte) (address >> 16), (byte) (address >> 8),
        (byte) address});
  }

  private static long part(String part) throws UnknownHostException {
    try {
      if (part.isEmpty()) {
        throw new UnknownHostException("bad IPv4 literal");
      }
      if (part.toLowerCase().startsWith("0x")) {
        return part.length() == 2 ? 0 : Long.parseLong(part.substring(2), 16);
      }
      if (part.length() > 1 && part.startsWith("0")) {
        return Long.parseLong(part.substring(1), 8);
      }
      return Long.parseLong(part);
    } catch (NumberFormatException e) {
      throw new UnknownHostException("bad IPv4 literal");
    }
  }
}
