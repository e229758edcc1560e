package dev.arkloop.api.auth;

import dev.arkloop.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.UUID;

/**
 * Revoked access tokens, kept in Redis so every API node sees a logout or suspension at once: a
 * denylist of token ids, and per user a "tokens issued before this instant are invalid" mark. Both
 * expire when the last token they could affect would have expired anyway.
 */
public final class TokenRevocations {
  private final Redis redis;
  private final RedisKeys keys;
  private final int accessTtlSeconds;

  public TokenRevocations(Redis redis, RedisKeys keys, int accessTtlSeconds) {
    this.redis = redis;
    this.keys = keys;
    this.accessTtlSeconds = accessTtlSeconds;
  }

  /** The read that tells whether a token was revoked; {@link #revoked} interprets its reply. */
  public Request check(AccessTokens.Claims claims) {
    return Request.cmd(Command.MGET)
        .arg(keys.key("auth", "deny", claims.tokenId()))
        .arg(keys.key("auth", "revoked_before", claims.userId().toString()));
  }

  public static boolean revoked(AccessTokens.Claims claims, Response reply) {
    if (reply.get(0) != null) {
      return true;
    }
    Response before = reply.get(1);
    return before != null && claims.issuedAtMillis() <= before.toLong();
  }

  /** Invalidates one token until it expires. */
  public Future<Void> deny(String tokenId, long expiresAtEpochSeconds) {
    long ttl = Math.max(1, expiresAtEpochSeconds - System.currentTimeMillis() / 1000 + 5);
    return redis.send(Request.cmd(Command.SET).arg(keys.key("auth", "deny", tokenId)).arg("1").arg("EX").arg(ttl))
        .mapEmpty();
  }

  /** Invalidates every access token of the user issued until now. */
  public Future<Void> revokeAllOf(UUID userId) {
    return redis.send(Request.cmd(Command.SET)
            .arg(keys.key("auth", "revoked_before", userId.toString()))
            .arg(System.currentTimeMillis())
            .arg("EX").arg(accessTtlSeconds + 60))
        .mapEmpty();
  }

}
