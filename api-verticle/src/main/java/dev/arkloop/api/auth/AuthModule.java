package dev.arkloop.api.auth;

import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Authentication;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.identity.IdentityModule;
import dev.arkloop.common.config.ArkloopConfig;

/** Authentication of every request, sign-in and its sessions, rate limits and IP rules. */
public final class AuthModule implements Resource {
  private final Authenticator authenticator;
  private final TokenRevocations revocations;
  private final RateLimiter rateLimiter;
  private final Sessions sessions;
  private final Turnstile turnstile;
  private final AuthRoutes authRoutes;
  private final IpRuleRoutes ipRuleRoutes;

  public AuthModule(ApiContext api, IdentityModule identity, AuditTrail audit) {
    ArkloopConfig config = api.config();
    AccessTokens accessTokens = new AccessTokens(api.vertx(), config.auth());
    this.revocations = new TokenRevocations(api.redis(), api.keys(), accessTokens.ttlSeconds());
    this.rateLimiter = new RateLimiter(api.redis(), api.keys());
    IpRules ipRules = new IpRules(api.pool());
    this.authenticator = new Authenticator(accessTokens, revocations, identity.apiKeys(), identity.accounts(), ipRules,
        rateLimiter, config);
    this.sessions = new Sessions(accessTokens, identity.refreshTokens(), config);
    this.turnstile = new Turnstile(api.vertx(), config.auth().turnstile());
    LoginService logins = new LoginService(api.vertx(), config.auth(), identity.users(), identity.accounts(),
        identity.refreshTokens(), identity.registration(), sessions, revocations, rateLimiter, turnstile, audit,
        identity.flags());
    this.authRoutes = new AuthRoutes(config, logins, identity.users(), sessions, rateLimiter, turnstile, audit);
    this.ipRuleRoutes = new IpRuleRoutes(api.pool(), ipRules, config.http().trustForwardedFor());
  }

  @Override
  public void mount(Routes routes) {
    authRoutes.mount(routes);
    ipRuleRoutes.mount(routes);
  }

  public Authentication authentication() {
    return authenticator;
  }

  public TokenRevocations revocations() {
    return revocations;
  }

  public RateLimiter rateLimiter() {
    return rateLimiter;
  }

  public Sessions sessions() {
    return sessions;
  }

  public Turnstile turnstile() {
    return turnstile;
  }
}
