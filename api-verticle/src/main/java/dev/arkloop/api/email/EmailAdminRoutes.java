package dev.arkloop.api.email;

import static dev.arkloop.api.auth.Permissions.PLATFORM_ADMIN;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.config.ArkloopConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;

/**
 * Platform admins' view of outgoing mail. SMTP comes from the environment only (source {@code env});
 * storing it in the database ({@code PUT /v1/admin/email/config}) is not offered.
 */
public final class EmailAdminRoutes {
  private final EmailOutbox outbox;
  private final Pool pool;

  public EmailAdminRoutes(EmailOutbox outbox, Pool pool) {
    this.outbox = outbox;
    this.pool = pool;
  }

  public void mount(Routes routes) {
    routes.get("/v1/admin/email/status").requires(PLATFORM_ADMIN).respond(ctx -> Future.succeededFuture(status()));
    routes.get("/v1/admin/email/config").requires(PLATFORM_ADMIN).respond(ctx -> Future.succeededFuture(settings()));
    routes.post("/v1/admin/email/test").requires(PLATFORM_ADMIN).audit("email.test").respond(this::sendTest);
  }

  private JsonObject status() {
    ArkloopConfig.Mail mail = outbox.settings();
    return new JsonObject()
        .put("configured", mail.configured())
        .put("from", mail.from())
        .put("source", mail.configured() ? "env" : "none");
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

  private Future<Void> sendTest(RoutingContext ctx) {
    String to = Fields.email("to", Fields.length("to", RequestBody.of(ctx).string("to").trim(), 3, 254));
    outbox.requireConfigured("email.not_configured");
    return pool.withTransaction(tx -> outbox.enqueue(tx, EmailMessages.test(to), null))
        .onSuccess(outbox::wake)
        .mapEmpty();
  }
}
