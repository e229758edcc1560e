package dev.arkloop.api.auth;

import dev.arkloop.api.http.Authentication;
import dev.arkloop.api.http.ClientIp;
import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.identity.AccountRepository;
import dev.arkloop.api.identity.ApiKeyRepository;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Turns {@code Authorization: Bearer …} into a {@link Principal} and applies the account's IP rules
 * and the per-identity rate limit. One mechanism for every protected route.
 *
 * <p>{@code X-Account-Id} selects another account the caller belongs to; without it a token acts in
 * the account it was issued for and an API key in its own.
 */
public final class Authenticator implements Authentication {
  public static final String ACCOUNT_HEADER = "X-Account-Id";
  /** Permission sets by what decides them, shared by every verticle; cleared if it ever grows past the bound. */
  private static final int MAX_GRANTS = 1_000;
  private static final Map<Grant, Set<String>> GRANTED = new ConcurrentHashMap<>();

  private final AccessTokens tokens;
  private final TokenRevocations revocations;
  private final ApiKeyRepository apiKeys;
  private final AccountRepository accounts;
  private final IpRules ipRules;
  private final RateLimiter rateLimiter;
  private final ArkloopConfig config;

  public Authenticator(AccessTokens tokens, TokenRevocations revocations, ApiKeyRepository apiKeys,
      AccountRepository accounts, IpRules ipRules, RateLimiter rateLimiter, ArkloopConfig config) {
    this.tokens = tokens;
    this.revocations = revocations;
    this.apiKeys = apiKeys;
    this.accounts = accounts;
    this.ipRules = ipRules;
    this.rateLimiter = rateLimiter;
    this.config = config;
  }

  /**
   * Authenticates, then applies IP rules, then the rate limit. The Redis read that confirms the
   * credential (a token's revocation marks, a remembered key's owner generation) travels in the
   * rate limit's round trip.
   */
  @Override
  public Future<Principal> admit(RoutingContext ctx) {
    return claim(ctx).compose(claim -> ipRules.check(claim.principal().orgId(), ClientIp.of(ctx))
        .compose(ok -> rateLimiter.hitWith("requests", claim.principal().identity(),
            config.auth().requestsPerMinute(), 60, claim.check() == null ? List.of() : List.of(claim.check())))
        .compose(replies -> claim.confirm().apply(replies.isEmpty() ? null : replies.get(0))));
  }

  /**
   * Who a credential claims to be, as far as it is known without Redis; {@code check} is the Redis
   * read that confirms it (null: nothing left to confirm) and {@code confirm} turns its reply into
   * the caller or the refusal.
   */
  private record Claim(Principal principal, Request check, Function<Response, Future<Principal>> confirm) {
    static Claim settled(Principal principal) {
      return new Claim(principal, null, reply -> Future.succeededFuture(principal));
    }
  }

  private Future<Claim> claim(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    if (header == null || header.isBlank()) {
      return Future.failedFuture(ApiException.unauthorized("missing_token", "authentication required"));
    }
    if (!header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
      return Future.failedFuture(ApiException.unauthorized("invalid_authorization",
          "Authorization must be 'Bearer <token>'"));
    }
    String credential = header.substring(7).trim();
    if (credential.startsWith("al_") || credential.startsWith("ak-")) {
      return fromApiKey(credential, ctx);
    }
    return fromAccessToken(credential, ctx);
  }

  private Future<Claim> fromAccessToken(String token, RoutingContext ctx) {
    return tokens.verify(token).compose(claims -> {
      UUID requested = requestedAccount(ctx);
      Future<Principal> principal = requested == null || requested.equals(claims.orgId())
          ? Future.succeededFuture(principal(claims.userId(), claims.orgId(), claims.role(), claims.platformAdmin(),
              null, Set.of(), claims.tokenId(), claims.expiresAt()))
          : accounts.roleOf(claims.userId(), requested).compose(role -> role == null
              ? Future.failedFuture(ApiException.forbidden("no_account_membership", "not a member of this account"))
              : Future.succeededFuture(principal(claims.userId(), requested, role, claims.platformAdmin(), null,
                  Set.of(), claims.tokenId(), claims.expiresAt())));
      return principal.map(caller -> new Claim(caller, revocations.check(claims),
          reply -> TokenRevocations.revoked(claims, reply)
              ? Future.failedFuture(ApiException.unauthorized("invalid_token", "access token was revoked"))
              : Future.succeededFuture(caller)));
    });
  }

  private Future<Claim> fromApiKey(String key, RoutingContext ctx) {
    String hash = Tokens.sha256Hex(key);
    ApiKeyRepository.Remembered known = apiKeys.remembered(hash);
    if (known == null) {
      return apiKeys.findActive(hash).compose(found -> usable(found, ctx, true)).map(Claim::settled);
    }
    // its use is recorded once the owner's generation confirmed it, not for a key revoked meanwhile
    return usable(known.key(), ctx, false).map(caller -> new Claim(caller, apiKeys.check(known),
        reply -> apiKeys.confirm(hash, known, reply).compose(found -> usable(found, ctx, true))));
  }

  /** The key's caller, or why the key may not be used; {@code recordUse} also records the use. */
  private Future<Principal> usable(ApiKeyRepository.ActiveKey found, RoutingContext ctx, boolean recordUse) {
    if (found == null) {
      return Future.failedFuture(ApiException.unauthorized("invalid_api_key", "API key is not valid"));
    }
    if (!"active".equals(found.userStatus())) {
      return Future.failedFuture(ApiException.forbidden("user_suspended", "user is suspended"));
    }
    if (found.role() == null) {
      return Future.failedFuture(ApiException.forbidden("no_account_membership", "key owner left the account"));
    }
    UUID requested = requestedAccount(ctx);
    if (requested != null && !requested.equals(found.orgId())) {
      return Future.failedFuture(ApiException.forbidden("no_account_membership",
          "an API key acts only in its own account"));
    }
    if (recordUse) {
      apiKeys.recordUse(found.id(), found.orgId(), found.userId());
    }
    return Future.succeededFuture(principal(found.userId(), found.orgId(), found.role(), found.platformAdmin(),
        found.id(), found.scopes(), null, 0));
  }

  private static UUID requestedAccount(RoutingContext ctx) {
    String header = ctx.request().getHeader(ACCOUNT_HEADER);
    if (header == null || header.isBlank()) {
      return null;
    }
    UUID id = Ids.parseUuid(header.trim());
    if (id == null) {
      throw ApiException.invalid(ACCOUNT_HEADER, ACCOUNT_HEADER + " must be a UUID");
    }
    return id;
  }

  /** Role permissions, plus the platform's for platform admins, narrowed to the key's scopes if any. */
  static Principal principal(UUID userId, UUID orgId, String role, boolean platformAdmin, UUID apiKeyId,
      Set<String> scopes, String tokenId, long expiresAt) {
    Grant grant = new Grant(role, platformAdmin, scopes);
    Set<String> permissions = GRANTED.get(grant);
    if (permissions == null) {
      permissions = grant.permissions();
      if (GRANTED.size() >= MAX_GRANTS) {
        GRANTED.clear();
      }
      GRANTED.put(grant, permissions);
    }
    String effectiveRole = platformAdmin ? Permissions.ROLE_PLATFORM_ADMIN : role;
    return new Principal(userId, orgId, effectiveRole, permissions, apiKeyId, tokenId, expiresAt);
  }

  /** What decides a caller's permissions; the few combinations in use are computed once, not per request. */
  private record Grant(String role, boolean platformAdmin, Set<String> scopes) {
    Set<String> permissions() {
      Set<String> permissions = new HashSet<>(Permissions.of(role));
      if (platformAdmin) {
        permissions.addAll(Permissions.of(Permissions.ROLE_PLATFORM_ADMIN));
      }
      if (!scopes.isEmpty()) {
        permissions.retainAll(scopes);
      }
      return Set.copyOf(permissions);
    }
  }

}
