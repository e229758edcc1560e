package dev.arkloop.worker.tools.web;

import java.net.InetAddress;

/**
 * Which addresses outbound tool HTTP may connect to. The default refuses everything that is not a
 * public unicast address: loopback, private (10/8, 172.16/12, 192.168/16), CGNAT (100.64/10),
 * link-local and cloud metadata (169.254/16, fe80::/10), unique-local (fc00::/7), multicast,
 * reserved and documentation ranges, and IPv6 forms that embed an IPv4 address (mapped,
 * compatible, NAT64) when the embedded address is refused.
 */
@FunctionalInterface
public interface AddressPolicy {

  boolean allows(InetAddress address);

  /** Public addresses only, or anything when private targets are allowed by configuration. */
  static AddressPolicy standard(boolean allowPrivate) {
    return allowPrivate ? address -> true : AddressPolicy::isPublic;
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
