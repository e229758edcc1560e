package dev.arkloop.api.auth;

import dev.arkloop.api.identity.RefreshTokenRepository;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Issues the token pair of a sign-in: an access token in the body, the refresh token as a cookie. */
public final class Sessions {
  public static final String COOKIE = "arkloop_refresh_token";
  private static final String COOKIE_PATH = "/v1/auth";
  private static final String[] LEGACY_COOKIES = {"arkloop_rt_web", "arkloop_rt_console", "arkloop_rt_console_lite"};

  private final AccessTokens accessTokens;
  private final RefreshTokenRepository refreshTokens;
  private final ArkloopConfig config;

  public Sessions(AccessTokens accessTokens, RefreshTokenRepository refreshTokens, ArkloopConfig config) {
    this.accessTokens = accessTokens;
    this.refreshTokens = refreshTokens;
    this.config = config;
  }

  /** A token pair just issued: the access token for the body, the refresh token for the cookie. */
  public record Issued(String accessToken, String refreshToken, int refreshTtlSeconds) {}

  /** Starts a new token family (a sign-in) and returns {@code {access_token, token_type}}. */
  public Future<JsonObject> start(RoutingContext ctx, UUID userId, UUID orgId, String role, boolean platformAdmin) {
    return issue(userId, Ids.newId(), orgId, role, platformAdmin).map(issued -> respond(ctx, issued));
  }

  /** Starts a new token family (a sign-in). */
  public Future<Issued> issue(UUID userId, UUID orgId, String role, boolean platformAdmin) {
    return issue(userId, Ids.newId(), orgId, role, platformAdmin);
  }

  /** Adds the next refresh token to a family (rotation) and issues a new access token. */
  public Future<Issued> issue(UUID userId, UUID familyId, UUID orgId, String role, boolean platformAdmin) {
    String refresh = Tokens.random(32);
    int ttl = config.auth().refreshTokenTtlSeconds();
    return refreshTokens.insert(userId, familyId, Tokens.sha256Hex(refresh), ttl)
        .map(v -> new Issued(accessTokens.issue(userId, orgId, role, platformAdmin), refresh, ttl));
  }

  /** Sets the refresh cookie and returns {@code {access_token, token_type}}. */
  public JsonObject respond(RoutingContext ctx, Issued issued) {
    ctx.response().addCookie(cookie(ctx, issued.refreshToken(), issued.refreshTtlSeconds()));
    return new JsonObject().put("access_token", issued.accessToken()).put("token_type", "bearer");
  }

  public static String presentedRefreshToken(RoutingContext ctx) {
    Cookie cookie = ctx.request().getCookie(COOKIE);
    return cookie == null || cookie.getValue().isBlank() ? null : cookie.getValue();
  }

  public void clearCookie(RoutingContext ctx) {
    ctx.response().addCookie(cookie(ctx, "", 0));
    for (String legacy : LEGACY_COOKIES) {
      if (ctx.request().getCookie(legacy) != null) {
        ctx.response().addCookie(Cookie.cookie(legacy, "").setPath("/").setMaxAge(0));
      }
    }
  }

  private Cookie cookie(RoutingContext ctx, String value, int maxAgeSeconds) {
    return Cookie.cookie(COOKIE, value)
        .setPath(COOKIE_PATH)
        .setHttpOnly(true)
        .setSameSite(CookieSameSite.LAX)
        .setSecure(secure(ctx))
        .setMaxAge(maxAgeSeconds);
  }

  private boolean secure(RoutingContext ctx) {
    if (config.auth().cookieSecure() || ctx.request().isSSL()) {
      return true;
    }
    return config.http().trustForwardedFor() && "https".equalsIgnoreCase(ctx.request().getHeader("X-Forwarded-Proto"));
  }
}
