package dev.arkloop.api.email;

import static dev.arkloop.api.http.Permissions.PLATFORM_ADMIN;

import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Platform admins' view of outgoing mail. SMTP settings stored here (source {@code db}) win over
 * the environment's (source {@code env}); every node applies them to the next mail.
 */
public final class EmailAdminRoutes {
  private final EmailOutbox outbox;
  private final boolean canSealPasswords;
  private final AuditTrail audit;

  public EmailAdminRoutes(EmailOutbox outbox, boolean canSealPasswords, AuditTrail audit) {
    this.outbox = outbox;
    this.canSealPasswords = canSealPasswords;
    this.audit = audit;
  }

  public void mount(Routes routes) {
    routes.get("/v1/admin/email/status").requires(PLATFORM_ADMIN).respond(ctx -> Future.succeededFuture(status()));
    routes.get("/v1/admin/email/config").requires(PLATFORM_ADMIN).respond(ctx -> Future.succeededFuture(settings()));
    // audited in store(): the answer is 204, so the after state is the settings read back
    routes.put("/v1/admin/email/config").requires(PLATFORM_ADMIN).respond(this::store);
    routes.post("/v1/admin/email/test").requires(PLATFORM_ADMIN).audit("email.test").respond(this::sendTest);
  }

  private JsonObject status() {
    ArkloopConfig.Mail mail = outbox.settings();
    return new JsonObject()
        .put("configured", mail.configured())
        .put("from", mail.from())
        .put("source", outbox.source());
  }

  private JsonObject settings() {
    ArkloopConfig.Mail mail = outbox.settings();
    return new JsonObject()
        .put("from", mail.from())
        .put("smtp_host", mail.host())
        .put("smtp_port", mail.port())
        .put("smtp_user", mail.user())
        .put("smtp_pass_set", mail.password() != null)
        .put("smtp_tls_mode", mail.tlsMode());
  }

  /** {@code smtp_pass} absent keeps the stored password; null or "" removes it. */
  private Future<Void> store(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String from = Fields.length("from", body.string("from").trim(), 3, 320);
    String host = Fields.length("smtp_host", body.string("smtp_host").trim(), 1, 253);
    Long port = body.optionalLong("smtp_port");
    if (port != null && (port < 1 || port > 65535)) {
      throw ApiException.invalid("smtp_port", "smtp_port must be between 1 and 65535");
    }
    String user = Fields.length("smtp_user", blankToNull(body.optionalString("smtp_user")), 1, 320);
    String password = Fields.length("smtp_pass", blankToNull(body.optionalString("smtp_pass")), 1, 1024);
    String tls = Fields.oneOf("smtp_tls_mode", body.optionalString("smtp_tls_mode"), "none", "starttls", "tls");
    if (password != null && !canSealPasswords) {
      throw new ApiException(503, "email.not_configured", "ARKLOOP_ENCRYPTION_KEY is needed to store an SMTP password");
    }
    AuditTrail.before(ctx, settings());
    ArkloopConfig.Mail mail = new ArkloopConfig.Mail(host, port == null ? 587 : port.intValue(), user, password,
        tls == null ? "starttls" : tls, from, outbox.settings().appBaseUrl());
    return outbox.store().save(mail, !body.has("smtp_pass"))
        .onSuccess(saved -> audit.record(ctx, "email.config_update", settings()))
        .mapEmpty();
  }

  private Future<Void> sendTest(RoutingContext ctx) {
    String to = Fields.email("to", Fields.length("to", RequestBody.of(ctx).string("to").trim(), 3, 254));
    outbox.requireConfigured("email.not_configured");
    return outbox.send(EmailMessages.test(to), null);
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
