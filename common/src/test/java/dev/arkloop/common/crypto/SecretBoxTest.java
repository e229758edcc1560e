package dev.arkloop.common.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private final SecretBox box = new SecretBox(SecretBox.generateKey());

  @Test
  void sealedValuesOpenToThePlaintextAndHideIt() {
    String sealed = box.seal("sk-live-0123456789abcdef");
    assertTrue(sealed.startsWith("v1:"), sealed);
    assertFalse(sealed.contains("sk-live"));
    assertEquals("sk-live-0123456789abcdef", box.open(sealed));
    assertEquals("ünïcødé ✓", box.open(box.seal("ünïcødé ✓")));
    assertEquals("", box.open(box.seal("")));
  }

  @Test
  void everySealUsesAFreshNonce() {
    assertNotEquals(box.seal("same"), box.seal("same"));
  }

  @Test
  void alteredOrForeignValuesDoNotOpen() {
    String sealed = box.seal("secret");
    byte[] raw = Base64.getDecoder().decode(sealed.substring(3));
    raw[raw.length - 1] ^= 1;
    String tampered = "v1:" + Base64.getEncoder().encodeToString(raw);
    assertThrows(IllegalArgumentException.class, () -> box.open(tampered));
    assertThrows(IllegalArgumentException.class, () -> new SecretBox(SecretBox.generateKey()).open(sealed));
    assertThrows(IllegalArgumentException.class, () -> box.open("v2:" + sealed.substring(3)));
    assertThrows(IllegalArgumentException.class, () -> box.open("v1:not base64!"));
    assertThrows(IllegalArgumentException.class, () -> box.open("v1:AAAA"));
  }

  @Test
  void keysAre64HexCharacters() {
    assertTrue(SecretBox.isValidKey(SecretBox.generateKey()));
    assertEquals(64, SecretBox.generateKey().length());
    assertFalse(SecretBox.isValidKey("abc"));
    assertFalse(SecretBox.isValidKey("g".repeat(64)));
    assertThrows(IllegalArgumentException.class, () -> new SecretBox("0".repeat(63)));
  }
}
