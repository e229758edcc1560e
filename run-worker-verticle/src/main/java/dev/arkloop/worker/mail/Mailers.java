package dev.arkloop.worker.mail;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.mail.MailSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * The SMTP client for the settings in force: rebuilt when an admin changes them (the settings
 * store hears of it over the event bus), so the next mail goes out the new way without a restart.
 */
public final class Mailers {
  private final Vertx vertx;
  private final MailSettings settings;
  private ArkloopConfig.Mail builtFor;
  private SmtpMailer mailer;

  public Mailers(Vertx vertx, MailSettings settings) {
    this.vertx = vertx;
    this.settings = settings;
  }

  /** The mailer to use now; null while SMTP is not configured anywhere. */
  public Future<SmtpMailer> current() {
    return settings.current().map(effective -> {
      if (!effective.configured()) {
        return null;
      }
      if (!effective.mail().equals(builtFor)) {
        SmtpMailer previous = mailer;
        mailer = new SmtpMailer(vertx, effective.mail());
        builtFor = effective.mail();
        if (previous != null) {
          previous.close();
        }
      }
      return mailer;
    });
  }

  public Future<Void> close() {
    return mailer == null ? settings.stop() : mailer.close().eventually(settings::stop);
  }
}
