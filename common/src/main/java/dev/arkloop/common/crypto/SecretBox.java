package dev.arkloop.common.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Secrets at rest (provider keys, tokens): AES-256-GCM under {@code ARKLOOP_ENCRYPTION_KEY}. A sealed
 * value is {@code v1:} + base64 of a random 12-byte nonce followed by the ciphertext and its 16-byte
 * tag. The version prefix lets a later key rotation or algorithm change tell old values apart.
 */
public final class SecretBox {
  private static final Pattern HEX_KEY = Pattern.compile("[0-9a-fA-F]{64}");
  private static final String VERSION = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  /** A box under a 256-bit key given as 64 hex characters. */
  public SecretBox(String hexKey) {
    if (!isValidKey(hexKey)) {
      throw new IllegalArgumentException("the encryption key must be 64 hex characters");
    }
    this.key = new SecretKeySpec(HexFormat.of().parseHex(hexKey), "AES");
  }

  public static boolean isValidKey(String hexKey) {
    return hexKey != null && HEX_KEY.matcher(hexKey).matches();
  }

  /** A new random key as 64 hex characters. */
  public static String generateKey() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  public String seal(String plaintext) {
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
      byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      ByteBuffer out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed);
      return VERSION + Base64.getEncoder().encodeToString(out.array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** The plaintext; fails with {@link IllegalArgumentException} for a value that is not ours or was altered. */
  public String open(String sealed) {
    if (sealed == null || !sealed.startsWith(VERSION)) {
      throw new IllegalArgumentException("not a sealed secret of a known version");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(sealed.substring(VERSION.length()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("sealed secret is not base64");
    }
    if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
      throw new IllegalArgumentException("sealed secret is too short");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
      byte[] plain = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
      return new String(plain, StandardCharsets.UTF_8);
    } catch (javax.crypto.AEADBadTagException e) {
      throw new IllegalArgumentException("sealed secret does not verify under this key");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** A box for the configured key, or null when none is configured. */
  public static SecretBox optional(String hexKey) {
    return hexKey == null ? null : new SecretBox(hexKey);
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
