package dev.arkloop.common.net;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Addresses outbound calls to user-supplied URLs must not reach unless configuration allows it:
 * loopback, private (RFC 1918, IPv6 unique-local), link-local (cloud metadata at 169.254.169.254),
 * carrier-grade NAT, "this network", and multicast.
 */
public final class PrivateAddresses {
  private PrivateAddresses() {}

  public static boolean isPrivate(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
        || address.isSiteLocalAddress() || address.isMulticastAddress()) {
      return true;
    }
    byte[] bytes = address.getAddress();
    if (address instanceof Inet4Address) {
      int first = bytes[0] & 0xff;
      int second = bytes[1] & 0xff;
      return first == 0 || (first == 100 && second >= 64 && second <= 127);
    }
    if (address instanceof Inet6Address) {
      return (bytes[0] & 0xfe) == 0xfc; // fc00::/7 unique-local
    }
    return false;
  }

  /** A host name that names this machine or a local network without DNS. */
  public static boolean isLocalName(String host) {
    String name = host.toLowerCase(java.util.Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    return name.equals("localhost") || name.endsWith(".localhost") || name.endsWith(".local")
        || name.endsWith(".internal");
  }
}
