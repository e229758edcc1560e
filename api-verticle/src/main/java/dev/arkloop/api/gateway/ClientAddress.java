package dev.arkloop.api.gateway;

import dev.arkloop.api.auth.Cidr;
import io.vertx.core.MultiMap;
import java.net.InetAddress;
import java.util.List;

/**
 * Who the client is, by the configured {@code ip_mode}:
 * <ul>
 *   <li>{@code direct}: the socket's address; forwarding headers are ignored (they can be forged).
 *   <li>{@code proxy}: the right-most {@code X-Forwarded-For} hop that is not a trusted proxy, when the
 *       socket itself is a trusted proxy; else the socket.
 *   <li>{@code cdn}: {@code CF-Connecting-IP} or {@code True-Client-IP}, only when the socket is in the
 *       trusted CIDRs (the CDN's ranges); else the socket.
 * </ul>
 */
final class ClientAddress {
  private ClientAddress() {}

  static String resolve(GatewayConfigStore.Config config, String socketIp, MultiMap headers) {
    if (config.ipMode().equals("direct") || !trusted(config.trusted(), socketIp)) {
      return socketIp;
    }
    if (config.ipMode().equals("cdn")) {
      String cdn = first(headers.get("CF-Connecting-IP"), headers.get("True-Client-IP"));
      return cdn != null && literal(cdn) != null ? cdn : socketIp;
    }
    String forwarded = headers.get("X-Forwarded-For");
    if (forwarded == null) {
      return socketIp;
    }
    String[] hops = forwarded.split(",");
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      if (literal(hop) == null) {
        return socketIp; // a malformed chain proves nothing
      }
      if (!trusted(config.trusted(), hop)) {
        return hop;
      }
    }
    return socketIp;
  }

  static boolean trusted(List<Cidr> cidrs, String ip) {
    InetAddress address = literal(ip);
    return address != null && cidrs.stream().anyMatch(cidr -> cidr.contains(address));
  }

  /** Parses an IP literal only: never a DNS lookup (a forged {@code 999.1.1.1} or {@code cafe.be} is not one). */
  static InetAddress literal(String ip) {
    return Cidr.literal(ip);
  }

  private static String first(String a, String b) {
    return a != null && !a.isBlank() ? a.trim() : b != null && !b.isBlank() ? b.trim() : null;
  }
}
