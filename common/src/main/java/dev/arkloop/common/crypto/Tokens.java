package dev.arkloop.common.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Random opaque tokens and their stored form: only a SHA-256 hash of a token is ever kept. */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** {@code bytes} random bytes, base64url without padding. */
  public static String random(int bytes) {
    byte[] buffer = new byte[bytes];
    RANDOM.nextBytes(buffer);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(buffer);
  }

  /** One digest per thread: looking the algorithm up is dearer than hashing an API key (every request). */
  private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  });

  public static String sha256Hex(String value) {
    // digest() resets the digest for the next caller on this thread
    return HexFormat.of().formatHex(SHA_256.get().digest(value.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * HMAC-SHA256 of {@code value} under {@code key}, hex. For short secrets (a 6-digit code) a plain
   * hash could be reversed by trying every value; without the key that is not possible.
   */
  public static String hmacSha256Hex(String key, String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A short human-typeable code from an unambiguous alphabet (no 0/O, 1/I/L). */
  public static String code(int length) {
    String alphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    StringBuilder code = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      code.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
    }
    return code.toString();
  }

  /** A numeric one-time code. */
  public static String digits(int length) {
    StringBuilder code = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      code.append(RANDOM.nextInt(10));
    }
    return code.toString();
  }
}
