package dev.arkloop.common.ids;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.UUID;

/** Identifier generation: time-ordered UUIDs for rows, random hex for trace ids and tokens. */
public final class Ids {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private Ids() {}

  /** A UUIDv7: 48 bits of Unix milliseconds, then random bits, so ids sort by creation time. */
  public static UUID newId() {
    long millis = System.currentTimeMillis();
    long randA = RANDOM.nextInt(1 << 12);
    long msb = (millis << 16) | (0x7L << 12) | randA;
    long lsb = (RANDOM.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
    return new UUID(msb, lsb);
  }

  /** 32 lowercase hex characters. */
  public static String newTraceId() {
    return randomHex(16);
  }

  public static String randomHex(int bytes) {
    byte[] buffer = new byte[bytes];
    RANDOM.nextBytes(buffer);
    return HEX.formatHex(buffer);
  }

  public static boolean isTraceId(String value) {
    if (value == null || value.length() != 32) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      if (Character.digit(value.charAt(i), 16) < 0) {
        return false;
      }
    }
    return true;
  }

  /** Parses a UUID strictly (canonical 36-character form), or returns null. */
  public static UUID parseUuid(String value) {
    if (value == null || value.length() != 36) {
      return null;
    }
    try {
      return UUID.fromString(value);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
