package dev.arkloop.api;

import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.auth.AuthModule;
import dev.arkloop.api.billing.BillingModule;
import dev.arkloop.api.billing.Entitlements;
import dev.arkloop.api.email.EmailModule;
import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.identity.IdentityModule;
import dev.arkloop.api.live.PubSub;
import dev.arkloop.api.notifications.NotificationsModule;
import dev.arkloop.api.runs.RunsModule;
import io.vertx.core.Future;

/** The parts of one API verticle that others depend on or that start and stop; {@link ApiRouter} mounts them. */
final class ApiModules {
  final BillingModule billing;
  final IdentityModule identity;
  final AuditTrail audit;
  final AuthModule auth;
  final EmailModule email;
  final PubSub pubSub;
  final RunsModule runs;
  final NotificationsModule notifications;

  ApiModules(ApiContext api) {
    billing = new BillingModule(api);
    identity = new IdentityModule(api, billing.flags(),
        orgId -> billing.entitlements().integer(orgId, Entitlements.TEAM_MEMBERS));
    audit = new AuditTrail(api.pool(), api.config().http().trustForwardedFor());
    auth = new AuthModule(api, identity, audit);
    email = new EmailModule(api, identity, auth, audit);
    pubSub = new PubSub(api.vertx(), api.endpoints().redisUrl());
    runs = new RunsModule(api, pubSub, billing.runAdmission());
    notifications = new NotificationsModule(api, pubSub);
  }

  Future<Void> start() {
    return identity.bootstrap()
        .compose(v -> email.start())
        .compose(v -> billing.start())
        .compose(v -> runs.start())
        .compose(v -> pubSub.start());
  }

  /** Stops what runs in the background; closing the pools stays with the verticle. */
  Future<?> stop() {
    return Future.all(runs.stop(), notifications.stop(), pubSub.close());
  }
}
