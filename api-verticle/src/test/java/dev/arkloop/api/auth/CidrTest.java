package dev.arkloop.api.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class CidrTest {

  @Test
  void parsesAndNormalisesNetworks() {
    assertEquals("10.0.0.0/8", Cidr.parse("10.1.2.3/8").toString());
    assertEquals("192.0.2.7/32", Cidr.parse("192.0.2.7").toString());
    assertEquals("2001:db8:0:0:0:0:0:0/32", Cidr.parse("2001:db8::1/32").toString());
    assertEquals("0:0:0:0:0:0:0:1/128", Cidr.parse("::1").toString());
    assertEquals("0.0.0.0/0", Cidr.parse("0.0.0.0/0").toString());
  }

  @Test
  @Timeout(2)
  void rejectsAnythingButLiteralsWithoutResolvingNames() {
    for (String bad : new String[] {"999.1.1.1", "256.0.0.0/8", "10.0.0.0/33", "::1/129", "1.2.3", "example.com",
        "localhost", "10.0.0.0/", "10.0.0.0/x", "10.0.0.0/8/8", "", " ", "fe80::1%eth0", "1.2.3.4.5", "::g"}) {
      assertNull(Cidr.parse(bad), bad);
    }
  }

  @Test
  void containsMatchesTheFamilyAndPrefix() throws Exception {
    Cidr v4 = Cidr.parse("203.0.113.0/24");
    assertTrue(v4.contains(InetAddress.getByName("203.0.113.200")));
    assertFalse(v4.contains(InetAddress.getByName("203.0.114.1")));
    assertFalse(v4.contains(InetAddress.getByName("2001:db8::1")));
    Cidr v6 = Cidr.parse("2001:db8::/32");
    assertTrue(v6.contains(InetAddress.getByName("2001:db8:ffff::1")));
    assertFalse(v6.contains(InetAddress.getByName("2001:db9::1")));
  }
}
