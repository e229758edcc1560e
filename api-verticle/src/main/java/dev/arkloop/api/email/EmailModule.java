package dev.arkloop.api.email;

import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.auth.AuthModule;
import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.identity.IdentityModule;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.mail.MailSettings;
import io.vertx.core.Future;

/** Mail: verification and one-time sign-in codes, identity resolution, and the mail settings of the platform. */
public final class EmailModule implements Resource {
  private final EmailOutbox outbox;
  private final EmailAuthRoutes authRoutes;
  private final IdentityResolveRoutes resolveRoutes;
  private final EmailAdminRoutes adminRoutes;

  public EmailModule(ApiContext api, IdentityModule identity, AuthModule auth, AuditTrail audit) {
    var config = api.config();
    this.outbox = new EmailOutbox(api.vertx(), api.pool(), new MailSettings(api.vertx(), api.pool(), config.mail(),
        SecretBox.optional(config.secrets().encryptionKey())));
    this.authRoutes = new EmailAuthRoutes(config, identity.users(), identity.accounts(),
        new EmailTokenRepository(api.pool()), outbox, auth.sessions(), auth.rateLimiter(), auth.turnstile(), audit);
    this.resolveRoutes = new IdentityResolveRoutes(config, identity.users(), outbox, authRoutes, auth.turnstile());
    this.adminRoutes = new EmailAdminRoutes(outbox, config.secrets().encryptionKey() != null, audit);
  }

  /** Starts the outbox's settings store. */
  public Future<Void> start() {
    return outbox.store().start().mapEmpty();
  }

  @Override
  public void mount(Routes routes) {
    authRoutes.mount(routes);
    resolveRoutes.mount(routes);
    adminRoutes.mount(routes);
  }
}
