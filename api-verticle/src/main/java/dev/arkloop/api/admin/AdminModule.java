package dev.arkloop.api.admin;

import dev.arkloop.api.auth.TokenRevocations;
import dev.arkloop.api.gateway.AccessLog;
import dev.arkloop.api.gateway.GatewayAdminRoutes;
import dev.arkloop.api.gateway.GatewayConfigStore;
import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.identity.ApiKeyRepository;
import dev.arkloop.api.runs.RunCanceller;

/** Platform administration: users, runs, the dashboard, invite codes, referrals and the gateway's settings. */
public final class AdminModule implements Resource {
  private final ApiContext api;
  private final TokenRevocations revocations;
  private final ApiKeyRepository apiKeys;
  private final RunCanceller runCanceller;

  public AdminModule(ApiContext api, TokenRevocations revocations, ApiKeyRepository apiKeys,
      RunCanceller runCanceller) {
    this.api = api;
    this.revocations = revocations;
    this.apiKeys = apiKeys;
    this.runCanceller = runCanceller;
  }

  @Override
  public void mount(Routes routes) {
    var pool = api.pool();
    new AdminUserRoutes(new AdminUserRepository(pool), revocations, apiKeys, runCanceller).mount(routes);
    new AdminOverviewRoutes(new DashboardRepository(pool), new AdminRunRepository(pool)).mount(routes);
    new ReferralRoutes(new ReferralRepository(pool)).mount(routes);
    new GatewayAdminRoutes(new GatewayConfigStore(api.vertx(), pool), new AccessLog(api.redis(), api.keys()))
        .mount(routes);
  }
}
