package dev.arkloop.api.auth;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Hand-made JWTs for attack tests: any header, any claims, any key. */
final class Jwts {
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

  private Jwts() {}

  static String part(JsonObject json) {
    return B64.encodeToString(json.encode().getBytes(StandardCharsets.UTF_8));
  }

  static String hs256(String secret, JsonObject claims) {
    return sign("HmacSHA256", secret, new JsonObject().put("alg", "HS256").put("typ", "JWT"), claims);
  }

  static String sign(String macAlgorithm, String secret, JsonObject header, JsonObject claims) {
    String signingInput = part(header) + "." + part(claims);
    try {
      Mac mac = Mac.getInstance(macAlgorithm);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), macAlgorithm));
      return signingInput + "." + B64.encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  static String unsigned(JsonObject claims) {
    return part(new JsonObject().put("alg", "none").put("typ", "JWT")) + "." + part(claims) + ".";
  }

  /** Claims like the server's own for {@code userId} in {@code orgId}, valid for {@code ttlSeconds}. */
  static JsonObject claims(String userId, String orgId, long ttlSeconds) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject().put("sub", userId).put("typ", "access").put("account", orgId)
        .put("role", "account_admin").put("pa", false).put("jti", "t" + System.nanoTime())
        .put("ims", System.currentTimeMillis()).put("iat", now).put("exp", now + ttlSeconds);
  }
}
