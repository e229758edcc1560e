package dev.arkloop.worker.mail;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.mail.EmailMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import java.util.concurrent.TimeUnit;

/** Sends mail over SMTP with the non-blocking Vert.x mail client; every send is bounded in time. */
public final class SmtpMailer {
  private static final long SEND_TIMEOUT_MS = 60_000;
  private final MailClient client;
  private final String from;

  public SmtpMailer(Vertx vertx, ArkloopConfig.Mail mail) {
    this.client = MailClient.create(vertx, mailConfig(mail));
    this.from = mail.from();
  }

  static MailConfig mailConfig(ArkloopConfig.Mail mail) {
    MailConfig config = new MailConfig()
        .setHostname(mail.host())
        .setPort(mail.port())
        .setSsl("tls".equals(mail.tlsMode()))
        .setStarttls("starttls".equals(mail.tlsMode()) ? StartTLSOptions.REQUIRED : StartTLSOptions.DISABLED)
        .setMaxPoolSize(4)
        .setKeepAlive(true);
    config.setConnectTimeout(10_000);
    if (mail.user() != null) {
      config.setLogin(LoginOption.REQUIRED).setUsername(mail.user()).setPassword(mail.password());
    } else {
      config.setLogin(LoginOption.DISABLED);
    }
    return config;
  }

  public Future<Void> send(EmailMessage message) {
    MailMessage mail = new MailMessage()
        .setFrom(from)
        .setTo(message.to())
        .setSubject(message.subject())
        .setText(message.text());
    return client.sendMail(mail).timeout(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS).mapEmpty();
  }

  public Future<Void> close() {
    return client.close();
  }
}
