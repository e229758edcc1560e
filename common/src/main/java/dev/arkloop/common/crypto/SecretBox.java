package dev.arkloop.common.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals secrets at rest (provider keys, MCP tokens) with AES-256-GCM under {@code
 * ARKLOOP_ENCRYPTION_KEY}. A sealed value is {@code v1:} + base64(12-byte nonce + ciphertext + tag);
 * a fresh random nonce per seal. Thread-safe.
 */
public final class SecretBox {
  private static final String PREFIX = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  public SecretBox(byte[] key32) {
    if (key32 == null || key32.length != 32) {
      throw new IllegalArgumentException("the encryption key must be 32 bytes");
    }
    this.key = new SecretKeySpec(key32.clone(), "AES");
  }

  /** A box for a 64-hex-character key, as {@code ARKLOOP_ENCRYPTION_KEY} holds it. */
  public static SecretBox fromHex(String hex) {
    if (hex == null || !hex.matches("[0-9a-fA-F]{64}")) {
      throw new IllegalArgumentException("the encryption key must be 64 hex characters");
    }
    return new SecretBox(HexFormat.of().parseHex(hex));
  }

  /** A box for the configured key, or null when none is configured. */
  public static SecretBox optional(String hex) {
    return hex == null ? null : fromHex(hex);
  }

  public String seal(String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length)
          .put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("sealing failed", e);
    }
  }

  /** The plaintext; fails when the value was not sealed under this key or was altered. */
  public String open(String sealed) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a sealed value");
    }
    try {
      byte[] all = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
      if (all.length <= NONCE_BYTES) {
        throw new IllegalArgumentException("sealed value too short");
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, all, 0, NONCE_BYTES));
      return new String(cipher.doFinal(all, NONCE_BYTES, all.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("the sealed value cannot be opened with this key");
    }
  }

  /** A masked form safe to show: {@code tvly-****1234}; short secrets show only the stars. */
  public static String mask(String secret) {
    if (secret == null) {
      return null;
    }
    if (secret.length() < 12) {
      return "****";
    }
    int dash = secret.indexOf('-');
    String head = dash > 0 && dash <= 6 ? secret.substring(0, dash + 1) : secret.substring(0, 3);
    return head + "****" + secret.substring(secret.length() - 4);
  }
}
