package dev.arkloop.api.identity;

import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.notifications.NotificationChannels;
import dev.arkloop.common.notifications.Notifications;
import io.vertx.core.Future;
import java.util.UUID;
import java.util.function.Function;

/** Users, accounts, teams and API keys: their repositories and routes. */
public final class IdentityModule implements Resource {
  private final ApiContext api;
  private final AccountFlags flags;
  private final Function<UUID, Future<Long>> memberLimit;
  private final UserRepository users;
  private final AccountRepository accounts;
  private final TeamRepository teams;
  private final ApiKeyRepository apiKeys;
  private final RefreshTokenRepository refreshTokens;
  private final Registration registration;

  /** {@code memberLimit}: an account's {@code limit.team_members} (0 = unlimited). */
  public IdentityModule(ApiContext api, AccountFlags flags, Function<UUID, Future<Long>> memberLimit) {
    this.api = api;
    this.flags = flags;
    this.memberLimit = memberLimit;
    var pool = api.pool();
    this.users = new UserRepository(pool);
    this.accounts = new AccountRepository(pool);
    this.teams = new TeamRepository(pool);
    this.apiKeys = new ApiKeyRepository(pool, api.redis(), api.keys());
    this.refreshTokens = new RefreshTokenRepository(pool);
    this.registration = new Registration(pool, api.config().auth().bootstrapPlatformAdmin(), api.config().billing());
  }

  @Override
  public void mount(Routes routes) {
    var pool = api.pool();
    new MeRoutes(users, new InviteCodeRepository(pool, 10), flags).mount(routes);
    new AccountRoutes(accounts, new InvitationRepository(pool,
        new Notifications(new NotificationChannels(api.redis(), api.keys()))), api.config().billing().initialGrant(),
        memberLimit).mount(routes);
    new TeamRoutes(teams, accounts).mount(routes);
    new ApiKeyRoutes(apiKeys).mount(routes);
  }

  /** Applies {@code ARKLOOP_BOOTSTRAP_PLATFORM_ADMIN} when it names a user id. */
  public Future<Void> bootstrap() {
    return registration.applyBootstrapAdmin();
  }

  public AccountFlags flags() {
    return flags;
  }

  public UserRepository users() {
    return users;
  }

  public AccountRepository accounts() {
    return accounts;
  }

  public ApiKeyRepository apiKeys() {
    return apiKeys;
  }

  public RefreshTokenRepository refreshTokens() {
    return refreshTokens;
  }

  public Registration registration() {
    return registration;
  }
}
