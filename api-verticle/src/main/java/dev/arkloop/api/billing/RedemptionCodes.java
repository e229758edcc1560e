package dev.arkloop.api.billing;

import java.security.SecureRandom;
import java.util.Locale;

/**
 * Redemption code text: 20 characters of an alphabet without look-alikes (no 0/O, 1/I/L), about 99
 * random bits, shown and stored in groups of five ({@code ABCDE-FGHJK-MNPQR-STUVW}).
 */
final class RedemptionCodes {
  private static final String ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
  private static final int LENGTH = 20;
  private static final SecureRandom RANDOM = new SecureRandom();

  private RedemptionCodes() {}

  static String generate() {
    StringBuilder code = new StringBuilder(LENGTH + 3);
    for (int i = 0; i < LENGTH; i++) {
      if (i > 0 && i % 5 == 0) {
        code.append('-');
      }
      code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return code.toString();
  }

  /** What a user typed, as stored: case and spaces do not matter, the dashes may be left out. */
  static String normalize(String typed) {
    String compact = typed.toUpperCase(Locale.ROOT).replaceAll("[\\s-]", "");
    if (compact.length() != LENGTH) {
      return typed.trim().toUpperCase(Locale.ROOT);
    }
    return String.join("-", compact.substring(0, 5), compact.substring(5, 10), compact.substring(10, 15),
        compact.substring(15, 20));
  }
}
