package dev.arkloop.api.email;

import dev.arkloop.common.crypto.Tokens;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;

/**
 * Short-lived signed tokens that carry the user an identity resolved to, from {@code /v1/auth/resolve}
 * to its OTP steps: the client never learns the address the code goes to, only a masked form.
 */
final class FlowTokens {
  static final Duration TTL = Duration.ofMinutes(15);

  private final String secret;
  private final Clock clock;

  FlowTokens(String secret, Clock clock) {
    this.secret = secret;
    this.clock = clock;
  }

  String issue(UUID userId) {
    String payload = userId + "." + (clock.instant().getEpochSecond() + TTL.toSeconds());
    return Base64.getUrlEncoder().withoutPadding().encodeToString(payload.getBytes(StandardCharsets.UTF_8))
        + "." + signature(payload);
  }

  /** The user a valid, unexpired token names; null otherwise. */
  UUID verify(String token) {
    int dot = token.indexOf('.');
    if (dot <= 0) {
      return null;
    }
    try {
      String payload = new String(Base64.getUrlDecoder().decode(token.substring(0, dot)), StandardCharsets.UTF_8);
      if (!MessageDigest.isEqual(signature(payload).getBytes(StandardCharsets.UTF_8),
          token.substring(dot + 1).getBytes(StandardCharsets.UTF_8))) {
        return null;
      }
      String[] parts = payload.split("\\.");
      if (parts.length != 2 || Long.parseLong(parts[1]) < clock.instant().getEpochSecond()) {
        return null;
      }
      return UUID.fromString(parts[0]);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private String signature(String payload) {
    return Tokens.hmacSha256Hex(secret, "auth-flow:" + payload);
  }

  /** {@code alice@example.com} → {@code a***@example.com}. */
  static String mask(String email) {
    int at = email.lastIndexOf('@');
    if (at <= 0) {
      return "***";
    }
    return email.charAt(0) + "***" + email.substring(at);
  }
}
