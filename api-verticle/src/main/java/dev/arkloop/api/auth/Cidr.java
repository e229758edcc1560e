package dev.arkloop.api.auth;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** An IPv4 or IPv6 network in CIDR notation. */
public record Cidr(byte[] network, int prefixLength) {
  private static final Pattern IPV4 = Pattern.compile("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

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

  /** The address of an IPv4 or IPv6 literal; null for anything else (never a DNS lookup). */
  public static InetAddress literal(String text) {
    if (text == null || text.isEmpty() || text.length() > 64 || !looksLikeAddress(text)) {
      return null;
    }
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
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

  /**
   * Only literal addresses: InetAddress would resolve anything else as a host name, a blocking DNS
   * lookup on the event loop (an {@code X-Forwarded-For} of {@code 999.1.1.1} did exactly that).
   * IPv6 text is never resolved, so its shape check can stay loose.
   */
  private static boolean looksLikeAddress(String text) {
    if (IPV4.matcher(text).matches()) {
      for (String octet : text.split("\\.")) {
        if (octet.length() > 3 || Integer.parseInt(octet) > 255) {
          return false;
        }
      }
      return true;
    }
    return IPV6.matcher(text).matches();
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
