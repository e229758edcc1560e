package dev.arkloop.api.email;

import dev.arkloop.common.bus.Addresses;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.mail.EmailMessage;
import dev.arkloop.common.mail.MailSettings;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;
import java.util.function.Function;

/**
 * The durable way out for mail: an {@code email.send} job written in the caller's transaction, then
 * a wake-up on the event bus so a worker sends it at once. If no worker hears the wake-up, one
 * still leases the job when it next polls.
 */
public final class EmailOutbox {
  /** With the job runner's backoff (1, 2, 4 … s) the last try is about two minutes after the first. */
  static final int MAX_ATTEMPTS = 8;

  private final Vertx vertx;
  private final Pool pool;
  private final MailSettings mail;

  public EmailOutbox(Vertx vertx, Pool pool, MailSettings mail) {
    this.vertx = vertx;
    this.pool = pool;
    this.mail = mail;
  }

  public boolean configured() {
    return mail.snapshot().configured();
  }

  /** The settings in force (stored by an admin, else the environment's), as last loaded. */
  public ArkloopConfig.Mail settings() {
    return mail.snapshot().mail();
  }

  /** {@code db}, {@code env} or {@code none}. */
  public String source() {
    return mail.snapshot().source();
  }

  public MailSettings store() {
    return mail;
  }

  /** 503 unless SMTP is configured: mail written now would never leave. */
  public void requireConfigured(String code) {
    if (!configured()) {
      throw new ApiException(503, code, "email is not configured on this server (ARKLOOP_SMTP_HOST)",
          new JsonObject().put("reason", "smtp_not_configured"));
    }
  }

  /** Queues {@code message} and wakes a worker once it is committed. */
  public Future<Void> send(EmailMessage message, UUID orgId) {
    return send(message, orgId, tx -> Future.succeededFuture());
  }

  /**
   * Queues {@code message} in one transaction with {@code alongside}, the row the mail carries (a
   * code, a link's token), so neither is stored without the other; then wakes a worker.
   */
  public Future<Void> send(EmailMessage message, UUID orgId, Function<SqlClient, Future<Void>> alongside) {
    return pool.withTransaction(tx -> alongside.apply(tx).compose(v -> JobQueue.enqueue(tx, EmailMessage.JOB_TYPE,
            EmailMessage.PAYLOAD_VERSION, message.toJson(), orgId, MAX_ATTEMPTS)))
        .onSuccess(jobId -> vertx.eventBus().send(Addresses.jobWake(EmailMessage.JOB_TYPE),
            new JsonObject().put("job_id", jobId.toString())))
        .mapEmpty();
  }
}
