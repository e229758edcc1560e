package dev.arkloop.common.mail;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.SecretBox;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SMTP settings in force: those a platform admin stored in PostgreSQL ({@code mail_settings},
 * password sealed with {@link SecretBox}) win over the environment's. Each node keeps them in
 * memory and drops its copy when any node publishes a change on {@link #CHANGED}, so new settings
 * apply to the next mail without a restart.
 */
public final class MailSettings {
  /** Published (every node hears it) after the stored settings changed. */
  public static final String CHANGED = "arkloop.mail.settings.changed";
  private static final Logger LOG = LoggerFactory.getLogger(MailSettings.class);
  private static final String SELECT = "SELECT from_address, smtp_host, smtp_port, smtp_user, smtp_pass_enc, "
      + "smtp_tls_mode FROM mail_settings WHERE id";
  private static final String UPSERT = """
      INSERT INTO mail_settings (id, from_address, smtp_host, smtp_port, smtp_user, smtp_pass_enc, smtp_tls_mode)
      VALUES (true, $1, $2, $3, $4, $5, $6)
      ON CONFLICT (id) DO UPDATE SET from_address = $1, smtp_host = $2, smtp_port = $3, smtp_user = $4,
        smtp_pass_enc = CASE WHEN $7 THEN mail_settings.smtp_pass_enc ELSE $5 END, smtp_tls_mode = $6,
        updated_at = now()""";

  /** Settings and where they came from: {@code db}, {@code env} or {@code none}. */
  public record Effective(ArkloopConfig.Mail mail, String source) {
    public boolean configured() {
      return mail.configured();
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private final ArkloopConfig.Mail environment;
  private final SecretBox box;
  private volatile Effective snapshot;
  private Future<Effective> loading;
  private MessageConsumer<JsonObject> consumer;

  public MailSettings(Vertx vertx, Pool pool, ArkloopConfig.Mail environment, SecretBox box) {
    this.vertx = vertx;
    this.pool = pool;
    this.environment = environment;
    this.box = box;
    this.snapshot = fromEnvironment();
  }

  /** Loads the settings and starts listening for changes. */
  public Future<Effective> start() {
    consumer = vertx.eventBus().consumer(CHANGED, message -> {
      loading = null;
      current().onFailure(e -> LOG.warn("mail settings not reloaded: {}", e.toString()));
    });
    return consumer.completion().compose(v -> current());
  }

  public Future<Void> stop() {
    return consumer == null ? Future.succeededFuture() : consumer.unregister();
  }

  /** The settings as last loaded, without waiting (what a request handler checks). */
  public Effective snapshot() {
    return snapshot;
  }

  /** The settings, loaded once and again after each change. */
  public Future<Effective> current() {
    Future<Effective> cached = loading;
    if (cached == null || cached.failed()) {
      cached = pool.query(SELECT).execute().map(rows -> rows.size() == 0 ? fromEnvironment()
          : fromRow(rows.iterator().next()));
      cached.onSuccess(effective -> snapshot = effective);
      loading = cached;
    }
    return cached;
  }

  /**
   * Stores new settings; a null {@code password} with {@code keepPassword} leaves the stored one.
   * Every node (this one first) drops its copy before the future completes here.
   */
  public Future<Effective> save(ArkloopConfig.Mail mail, boolean keepPassword) {
    if (box == null && mail.password() != null) {
      return Future.failedFuture(new IllegalStateException("no encryption key to seal the SMTP password"));
    }
    String sealed = mail.password() == null ? null : box.seal(mail.password());
    return pool.preparedQuery(UPSERT)
        .execute(Tuple.of(mail.from(), mail.host(), mail.port(), mail.user(), sealed, mail.tlsMode())
            .addValue(keepPassword))
        .compose(v -> {
          loading = null;
          vertx.eventBus().publish(CHANGED, new JsonObject());
          return current();
        });
  }

  private Effective fromEnvironment() {
    return new Effective(environment, environment.configured() ? "env" : "none");
  }

  private Effective fromRow(Row row) {
    String sealed = row.getString("smtp_pass_enc");
    String password = null;
    if (sealed != null) {
      try {
        password = box == null ? null : box.open(sealed);
      } catch (RuntimeException e) {
        LOG.warn("stored SMTP password cannot be opened with this node's ARKLOOP_ENCRYPTION_KEY");
      }
    }
    ArkloopConfig.Mail mail = new ArkloopConfig.Mail(row.getString("smtp_host"), row.getInteger("smtp_port"),
        row.getString("smtp_user"), password, row.getString("smtp_tls_mode"), row.getString("from_address"),
        environment.appBaseUrl());
    return new Effective(mail, "db");
  }
}
