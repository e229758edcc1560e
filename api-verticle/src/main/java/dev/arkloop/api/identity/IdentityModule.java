package dev.arkloop.api.identity;

import dev.arkloop.api.ApiContext;
import dev.arkloop.api.audit.AuditLogRoutes;
import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.audit.IpRuleRoutes;
import dev.arkloop.api.auth.AccessTokens;
import dev.arkloop.api.auth.AccountFlags;
import dev.arkloop.api.auth.AuthRoutes;
import dev.arkloop.api.auth.Authenticator;
import dev.arkloop.api.auth.IpRules;
import dev.arkloop.api.auth.RateLimiter;
import dev.arkloop.api.auth.Sessions;
import dev.arkloop.api.auth.TokenRevocations;
import dev.arkloop.api.auth.Turnstile;
import dev.arkloop.api.email.EmailAdminRoutes;
import dev.arkloop.api.email.EmailAuthRoutes;
import dev.arkloop.api.email.EmailOutbox;
import dev.arkloop.api.email.EmailTokenRepository;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.notifications.NotificationChannels;
import dev.arkloop.common.notifications.Notifications;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/** Builds identity and access (authentication, accounts, keys, audit) and mounts its routes. */
public final class IdentityModule {
  private final ApiContext api;
  private final Authenticator authenticator;
  private final AuditTrail audit;
  private final RateLimiter rateLimiter;
  private final AuthRoutes authRoutes;
  private final Registration registration;
  private final IpRules ipRules;
  private final AccountRepository accounts;
  private final TeamRepository teams;
  private final EmailAuthRoutes emailRoutes;
  private final EmailOutbox outbox;
  private final TokenRevocations revocations;
  private final dev.arkloop.api.email.IdentityResolveRoutes resolveRoutes;

  private final AccountFlags flags;

  private final java.util.function.Function<java.util.UUID, Future<Long>> memberLimit;

  /** {@code memberLimit}: an account's {@code limit.team_members} (0 = unlimited). */
  public IdentityModule(ApiContext api, AccountFlags flags,
      java.util.function.Function<java.util.UUID, Future<Long>> memberLimit) {
    this.api = api;
    this.flags = flags;
    this.memberLimit = memberLimit;
    ArkloopConfig config = api.config();
    var pool = api.pool();
    AccessTokens accessTokens = new AccessTokens(api.vertx(), config.auth());
    this.revocations = new TokenRevocations(api.redis(), api.keys(), accessTokens.ttlSeconds());
    this.rateLimiter = new RateLimiter(api.redis(), api.keys());
    this.ipRules = new IpRules(pool);
    this.accounts = new AccountRepository(pool);
    this.teams = new TeamRepository(pool);
    this.audit = new AuditTrail(pool);
    UserRepository users = new UserRepository(pool);
    RefreshTokenRepository refreshTokens = new RefreshTokenRepository(pool);
    ApiKeyRepository apiKeys = new ApiKeyRepository(pool, api.redis(), api.keys());
    this.authenticator = new Authenticator(accessTokens, revocations, apiKeys, accounts, ipRules, rateLimiter, config);
    this.registration = new Registration(pool, config.auth().bootstrapPlatformAdmin(), config.billing());
    Sessions sessions = new Sessions(accessTokens, refreshTokens, config);
    Turnstile turnstile = new Turnstile(api.vertx(), config.auth().turnstile());
    this.authRoutes = new AuthRoutes(api.vertx(), config, users, accounts, refreshTokens, registration,
        sessions, revocations, rateLimiter, turnstile, audit, flags);
    this.outbox = new EmailOutbox(api.vertx(), new dev.arkloop.common.mail.MailSettings(api.vertx(), pool,
        config.mail(), dev.arkloop.common.crypto.SecretBox.optional(config.secrets().encryptionKey())));
    this.emailRoutes = new EmailAuthRoutes(config, users, accounts, new EmailTokenRepository(pool), outbox, sessions,
        rateLimiter, turnstile, audit);
    this.resolveRoutes = new dev.arkloop.api.email.IdentityResolveRoutes(config, users, outbox, emailRoutes, turnstile);
  }

  public Routes routes(Router router) {
    return new Routes(router, authenticator, audit);
  }

  public void mount(Router router, Routes routes) {
    var pool = api.pool();
    authRoutes.mount(router, routes);
    emailRoutes.mount(routes);
    resolveRoutes.mount(routes);
    new EmailAdminRoutes(outbox, pool, api.config().secrets().encryptionKey() != null, audit).mount(routes);
    new MeRoutes(new UserRepository(pool), new InviteCodeRepository(pool, 10), flags).mount(routes);
    new AccountRoutes(accounts, new InvitationRepository(pool,
        new Notifications(new NotificationChannels(api.redis(), api.keys()))), api.config().billing().initialGrant(),
        memberLimit).mount(routes);
    new dev.arkloop.api.usage.UsageRoutes(pool, accounts).mount(routes);
    new TeamRoutes(teams, accounts).mount(routes);
    new ApiKeyRoutes(new ApiKeyRepository(pool, api.redis(), api.keys())).mount(routes);
    new IpRuleRoutes(pool, ipRules).mount(routes);
    new AuditLogRoutes(pool).mount(routes);
  }

  /** Applies {@code ARKLOOP_BOOTSTRAP_PLATFORM_ADMIN} when it names a user id. */
  public Future<Void> bootstrap() {
    return registration.applyBootstrapAdmin().compose(v -> outbox.store().start()).mapEmpty();
  }

  public TokenRevocations revocations() {
    return revocations;
  }

  public AuditTrail audit() {
    return audit;
  }

  public RateLimiter rateLimiter() {
    return rateLimiter;
  }

  public AccountRepository accounts() {
    return accounts;
  }

  public TeamRepository teams() {
    return teams;
  }
}
