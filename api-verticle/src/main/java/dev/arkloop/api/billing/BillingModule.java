package dev.arkloop.api.billing;

import dev.arkloop.api.ApiContext;
import dev.arkloop.api.http.Routes;

/** Credits, redemption codes, plans, subscriptions, entitlements and feature flags. */
public final class BillingModule {
  private final ApiContext api;
  private final CreditRepository credits;

  public BillingModule(ApiContext api) {
    this.api = api;
    this.credits = new CreditRepository(api.pool());
  }

  public void mount(Routes routes) {
    new CreditRoutes(credits).mount(routes);
  }
}
