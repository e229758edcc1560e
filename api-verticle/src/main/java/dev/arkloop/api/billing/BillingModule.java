package dev.arkloop.api.billing;

import dev.arkloop.api.auth.RateLimiter;
import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.runs.RunAdmission;
import io.vertx.core.Future;

/** Credits, redemption codes, plans, subscriptions, entitlements and feature flags. */
public final class BillingModule implements Resource {
  /** Cached entitlement and flag values expire on their own after this, in case an invalidation is lost. */
  static final long CACHE_TTL_MILLIS = 60_000;

  private final ApiContext api;
  private final CreditRepository credits;
  private final Entitlements entitlements;
  private final FeatureFlags flags;
  private final MonthlyGrant monthlyGrant;

  public BillingModule(ApiContext api) {
    this.api = api;
    this.credits = new CreditRepository(api.pool());
    this.entitlements = new Entitlements(api.vertx(), api.pool(), api.config().billing().entitlementDefaults(),
        CACHE_TTL_MILLIS);
    this.flags = new FeatureFlags(api.vertx(), api.pool(), CACHE_TTL_MILLIS);
    var billing = api.config().billing();
    this.monthlyGrant = new MonthlyGrant(api.vertx(), api.pool(),
        billing.entitlementDefaults().get(Entitlements.MONTHLY_GRANT), billing.monthlyGrantCheckSeconds() * 1000L);
  }

  /** Starts listening for cache invalidations, and the monthly grant checks. */
  public Future<Void> start() {
    return entitlements.listen().compose(v -> flags.listen()).onSuccess(v -> monthlyGrant.start());
  }


  public Entitlements entitlements() {
    return entitlements;
  }

  public FeatureFlags flags() {
    return flags;
  }

  public RunAdmission runAdmission() {
    return new RunAdmissionPolicy(entitlements);
  }

  @Override
  public void mount(Routes routes) {
    new CreditRoutes(credits).mount(routes);
    new PlanRoutes(new PlanRepository(api.pool())).mount(routes);
    new SubscriptionRoutes(new SubscriptionRepository(api.pool()), entitlements).mount(routes);
    new EntitlementOverrideRoutes(new EntitlementOverrideRepository(api.pool()), entitlements).mount(routes);
    new FeatureFlagRoutes(new FeatureFlagRepository(api.pool()), flags).mount(routes);
    new RedemptionRoutes(new RedemptionRepository(api.pool()), new RateLimiter(api.redis(), api.keys())).mount(routes);
  }
}
