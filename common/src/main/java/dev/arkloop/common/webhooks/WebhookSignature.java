package dev.arkloop.common.webhooks;

import dev.arkloop.common.crypto.Tokens;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code X-Arkloop-Signature}: {@code sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>}, one per
 * valid secret, comma-separated (during a rotation the old and the new secret both sign).
 */
public final class WebhookSignature {
  public static final String SECRET_PREFIX = "whsec_";

  private WebhookSignature() {}

  /** A new signing secret: {@code whsec_} and 32 random bytes. */
  public static String newSecret() {
    return SECRET_PREFIX + Tokens.random(32);
  }

  public static String sign(String secret, long timestamp, String body) {
    return "sha256=" + Tokens.hmacSha256Hex(secret, timestamp + "." + body);
  }

  public static String header(List<String> secrets, long timestamp, String body) {
    return secrets.stream().map(secret -> sign(secret, timestamp, body)).collect(Collectors.joining(","));
  }
}
