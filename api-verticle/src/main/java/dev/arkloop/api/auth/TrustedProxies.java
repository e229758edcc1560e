package dev.arkloop.api.auth;

import dev.arkloop.api.http.ClientIp;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/** {@code ARKLOOP_TRUSTED_PROXIES}: the CIDRs whose forwarding headers the API believes. */
public final class TrustedProxies implements ClientIp.ProxyTrust {
  private final List<Cidr> cidrs;

  private TrustedProxies(List<Cidr> cidrs) {
    this.cidrs = cidrs;
  }

  /** @throws IllegalArgumentException naming the first entry that is not a CIDR */
  public static TrustedProxies parse(List<String> texts) {
    List<Cidr> cidrs = new ArrayList<>();
    for (String text : texts) {
      Cidr cidr = Cidr.parse(text);
      if (cidr == null) {
        throw new IllegalArgumentException("ARKLOOP_TRUSTED_PROXIES must hold IPv4 or IPv6 CIDRs, got '" + text + "'");
      }
      cidrs.add(cidr);
    }
    return new TrustedProxies(List.copyOf(cidrs));
  }

  @Override
  public Verdict of(String address) {
    InetAddress parsed = Cidr.literal(address);
    if (parsed == null) {
      return Verdict.NOT_AN_ADDRESS;
    }
    for (Cidr cidr : cidrs) {
      if (cidr.contains(parsed)) {
        return Verdict.TRUSTED;
      }
    }
    return Verdict.UNTRUSTED;
  }
}
