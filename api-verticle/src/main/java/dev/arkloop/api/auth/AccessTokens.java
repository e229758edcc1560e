package dev.arkloop.api.auth;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived HS256 access tokens. Checking one is a signature check plus the revocation lookup in
 * Redis ({@link TokenRevocations}); no database round trip.
 */
public final class AccessTokens {
  private final JWTAuth jwt;
  private final int ttlSeconds;
  private final byte[] secret;

  public AccessTokens(Vertx vertx, ArkloopConfig.Auth auth) {
    this.jwt = JWTAuth.create(vertx, new JWTAuthOptions()
        .addPubSecKey(new PubSecKeyOptions().setAlgorithm("HS256").setBuffer(auth.jwtSecret()))
        .setJWTOptions(new JWTOptions().setAlgorithm("HS256").setLeeway(5)));
    this.ttlSeconds = auth.accessTokenTtlSeconds();
    this.secret = auth.jwtSecret().getBytes(StandardCharsets.UTF_8);
  }

  /** Claims of a verified token. */
  public record Claims(UUID userId, UUID orgId, String role, boolean platformAdmin, String tokenId,
      long issuedAtMillis, long expiresAt) {}

  public String issue(UUID userId, UUID orgId, String role, boolean platformAdmin) {
    long now = System.currentTimeMillis();
    JsonObject claims = new JsonObject()
        .put("sub", userId.toString())
        .put("typ", "access")
        .put("account", orgId.toString())
        .put("role", role)
        .put("pa", platformAdmin)
        .put("jti", Ids.newTraceId())
        .put("ims", now);
    return jwt.generateToken(claims, new JWTOptions().setAlgorithm("HS256").setExpiresInSeconds(ttlSeconds));
  }

  public int ttlSeconds() {
    return ttlSeconds;
  }

  public Future<Claims> verify(String token) {
    return jwt.authenticate(new TokenCredentials(token))
        .recover(e -> Future.failedFuture(signedByUs(token) && expired(token)
            ? ApiException.unauthorized("token_expired", "access token expired")
            : ApiException.unauthorized("invalid_token", "access token is not valid")))
        .compose(user -> {
          // Vert.x 5 keeps the verified claims (exp, iat and the rest) in the user's attributes
          JsonObject claims = user.attributes().getJsonObject("accessToken");
          try {
            if (claims == null || !"access".equals(claims.getString("typ"))) {
              throw new IllegalArgumentException("typ");
            }
            return Future.succeededFuture(new Claims(
                UUID.fromString(claims.getString("sub")),
                UUID.fromString(claims.getString("account")),
                claims.getString("role"),
                Boolean.TRUE.equals(claims.getBoolean("pa")),
                claims.getString("jti"),
                claims.getLong("ims"),
                claims.getLong("exp")));
          } catch (RuntimeException e) {
            return Future.failedFuture(ApiException.unauthorized("invalid_token", "access token is not valid"));
          }
        });
  }

  /** Whether the token carries a valid HS256 signature by this server (only to name a rejection's reason). */
  private boolean signedByUs(String token) {
    try {
      String[] parts = token.split("\\.");
      if (parts.length != 3) {
        return false;
      }
      JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
      if (!"HS256".equals(header.getString("alg"))) {
        return false;
      }
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret, "HmacSHA256"));
      byte[] expected = mac.doFinal((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
      return MessageDigest.isEqual(expected, Base64.getUrlDecoder().decode(parts[2]));
    } catch (RuntimeException | GeneralSecurityException e) {
      return false;
    }
  }

  /** Whether an otherwise rejected token carries an expiry in the past (only to name the reason). */
  private static boolean expired(String token) {
    try {
      String[] parts = token.split("\\.");
      JsonObject payload = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      Long exp = payload.getLong("exp");
      return exp != null && exp * 1000 < System.currentTimeMillis();
    } catch (RuntimeException e) {
      return false;
    }
  }
}
