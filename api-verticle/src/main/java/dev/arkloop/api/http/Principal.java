package dev.arkloop.api.http;

import io.vertx.ext.web.RoutingContext;
import java.util.Set;
import java.util.UUID;

/**
 * Who is calling and in which account: a signed-in user (access token) or an API key acting as its
 * owner. {@code permissions} are already narrowed to the key's scopes.
 */
public record Principal(
    UUID userId,
    UUID orgId,
    String role,
    Set<String> permissions,
    UUID apiKeyId,
    String tokenId,
    long tokenExpiresAtEpochSeconds) {
  static final String CONTEXT_KEY = "arkloop.principal";

  /** The caller of a request that passed authentication. */
  public static Principal of(RoutingContext ctx) {
    Principal principal = ctx.get(CONTEXT_KEY);
    if (principal == null) {
      throw new IllegalStateException("route is not authenticated");
    }
    return principal;
  }

  /** The caller, or null on a public route. */
  public static Principal ifAuthenticated(RoutingContext ctx) {
    return ctx.get(CONTEXT_KEY);
  }

  public boolean has(String permission) {
    return permissions.contains(permission);
  }

  public boolean viaApiKey() {
    return apiKeyId != null;
  }

  /** The rate-limit identity: the key itself for API keys, else the user. */
  public String identity() {
    return viaApiKey() ? "key:" + apiKeyId : "user:" + userId;
  }
}
