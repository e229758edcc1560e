package dev.arkloop.api.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An IPv4 or IPv6 network in CIDR notation. */
public record Cidr(byte[] network, int prefixLength) {

  /** Parses {@code a.b.c.d/n} or {@code v6::/n} (a bare address is a single host); null when invalid. */
  public static Cidr parse(String text) {
    if (text == null || text.isBlank() || text.length() > 64) {
      return null;
    }
    String[] parts = text.trim().split("/", -1);
    if (parts.length > 2 || !looksLikeAddress(parts[0])) {
      return null;
    }
    try {
      byte[] address = InetAddress.getByName(parts[0]).getAddress();
      int bits = address.length * 8;
      int prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
      if (prefix < 0 || prefix > bits) {
        return null;
      }
      return new Cidr(mask(address, prefix), prefix);
    } catch (UnknownHostException | NumberFormatException e) {
      return null;
    }
  }

  public boolean contains(InetAddress address) {
    byte[] bytes = address.getAddress();
    return bytes.length == network.length && java.util.Arrays.equals(mask(bytes, prefixLength), network);
  }

  @Override
  public String toString() {
    try {
      return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Only literal addresses: never let InetAddress resolve a host name. */
  private static boolean looksLikeAddress(String text) {
    return text.matches("[0-9.]+") && text.chars().filter(c -> c == '.').count() == 3 || text.matches("[0-9a-fA-F:.]+") && text.contains(":");
  }

  private static byte[] mask(byte[] address, int prefix) {
    byte[] masked = address.clone();
    for (int i = 0; i < masked.length; i++) {
      int bits = Math.max(0, Math.min(8, prefix - i * 8));
      masked[i] = (byte) (masked[i] & (0xFF << (8 - bits)));
    }
    return masked;
  }
}
