package dev.arkloop.common.net;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The one policy for every outbound call to a URL a tenant supplied (web_fetch, LLM provider
 * {@code base_url}, remote MCP servers): which addresses may be reached, and which host spellings
 * are read at all. {@link OutboundGuard} resolves a URL's host once with it and hands back the
 * checked address to connect to.
 *
 * <p>Refused unless the operator allows private targets: everything that is not a public unicast
 * address — "this network" 0/8, 10/8, loopback 127/8, CGNAT 100.64/10, link-local and cloud metadata
 * 169.254/16, 172.16/12, 192.0.0/24, TEST-NETs 192.0.2/24, 198.51.100/24, 203.0.113/24, benchmarking
 * 198.18/15, 192.168/16, multicast 224/4, reserved 240/4 and broadcast; IPv6 loopback and
 * unspecified, unique-local fc00::/7, link- and site-local, multicast, documentation 2001:db8::/32,
 * Teredo 2001::/32; and the IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64
 * 64:ff9b::/96, 6to4 2002::/16) when the carried address is refused.
 */
@FunctionalInterface
public interface AddressPolicy {

  boolean allows(InetAddress address);

  /** Public addresses only, or anything when private targets are allowed by configuration. */
  static AddressPolicy standard(boolean allowPrivate) {
    return allowPrivate ? address -> true : AddressPolicy::isPublic;
  }

  /** A host spelling that is not read, or an address the policy refuses. */
  final class Refused extends Exception {
    public Refused(String message) {
      super(message, null, false, false);
    }
  }

  Pattern DOTTED_QUAD = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
  /** What a URL parser takes for an IPv4 address: a last label that is a number (decimal, octal or hex). */
  Pattern NUMERIC_LAST_LABEL = Pattern.compile("(?i)(0x[0-9a-f]*|[0-9]+)");

  /**
   * The address of a host that is an IP literal, or null for a name (to be resolved). Only the plain
   * spellings are read: four decimal parts, or a bracketed IPv6 address without a zone id. Numeric
   * forms that resolvers and browsers read differently (hex, octal, fewer than four parts, one big
   * number, a zone id, a trailing dot) are refused rather than guessed at.
   */
  static InetAddress literal(String host) throws Refused {
    if (host == null || host.isEmpty()) {
      throw new Refused("the URL has no host");
    }
    if (host.startsWith("[") || host.contains(":")) {
      String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
      if (bare.contains("%") || !bare.matches("(?i)[0-9a-f:.]+")) {
        throw new Refused("unreadable IPv6 address " + host);
      }
      try {
        return InetAddress.getByName(bare); // a literal with ':' is parsed, never looked up
      } catch (UnknownHostException e) {
        throw new Refused("unreadable IPv6 address " + host);
      }
    }
    String name = host.endsWith(".") ? host.substring(0, host.length() - 1) : host;
    String lastLabel = name.substring(name.lastIndexOf('.') + 1);
    if (!NUMERIC_LAST_LABEL.matcher(lastLabel).matches()) {
      return null;
    }
    if (name.length() != host.length() || !DOTTED_QUAD.matcher(name).matches()) {
      throw new Refused("ambiguous numeric host " + host);
    }
    try {
      return InetAddress.getByName(name);
    } catch (UnknownHostException e) {
      throw new Refused("unreadable IPv4 address " + host);
    }
  }

  /** A host name that names this machine or a local network without DNS. */
  static boolean isLocalName(String host) {
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    return name.equals("localhost") || name.endsWith(".localhost") || name.endsWith(".local")
        || name.endsWith(".internal");
  }

  static boolean isPublic(InetAddress address) {
    byte[] b = address.getAddress();
    return b.length == 4 ? publicV4(b) : publicV6(b);
  }

  private static boolean publicV4(byte[] b) {
    int a0 = b[0] & 0xff;
    int a1 = b[1] & 0xff;
    int a2 = b[2] & 0xff;
    return !(a0 == 0 || a0 == 10 || a0 == 127 || a0 >= 224
        || (a0 == 100 && a1 >= 64 && a1 <= 127)
        || (a0 == 169 && a1 == 254)
        || (a0 == 172 && a1 >= 16 && a1 <= 31)
        || (a0 == 192 && a1 == 168)
        || (a0 == 192 && a1 == 0 && (a2 == 0 || a2 == 2))
        || (a0 == 198 && (a1 == 18 || a1 == 19))
        || (a0 == 198 && a1 == 51 && a2 == 100)
        || (a0 == 203 && a1 == 0 && a2 == 113));
  }

  private static boolean publicV6(byte[] b) {
    boolean zeroPrefix80 = true;
    for (int i = 0; i < 10; i++) {
      zeroPrefix80 &= b[i] == 0;
    }
    if (zeroPrefix80 && ((b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0))) {
      // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible), and :: / ::1
      return publicV4(new byte[] {b[12], b[13], b[14], b[15]}) && !(b[10] == 0 && b[12] == 0);
    }
    if (b[0] == 0x00 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b) {
      return publicV4(new byte[] {b[12], b[13], b[14], b[15]}); // 64:ff9b::/96 NAT64
    }
    if (b[0] == 0x20 && b[1] == 0x02) {
      return publicV4(new byte[] {b[2], b[3], b[4], b[5]}); // 2002::/16 6to4
    }
    if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
      return false; // Teredo 2001::/32: a tunnel to an IPv4 address that cannot be checked
    }
    int first = b[0] & 0xff;
    if ((first & 0xfe) == 0xfc || first == 0xff) {
      return false; // unique-local fc00::/7, multicast ff00::/8
    }
    if (first == 0xfe && (b[1] & 0xc0) == 0x80 || first == 0xfe && (b[1] & 0xc0) == 0xc0) {
      return false; // link-local fe80::/10, site-local fec0::/10
    }
    if (first == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == (byte) 0xb8) {
      return false; // documentation 2001:db8::/32
    }
    return (first & 0xe0) == 0x20; // global unicast 2000::/3
  }
}
