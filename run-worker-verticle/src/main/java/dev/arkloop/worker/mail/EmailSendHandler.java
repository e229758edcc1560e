package dev.arkloop.worker.mail;

import dev.arkloop.common.jobs.Job;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.mail.EmailMessage;
import dev.arkloop.worker.jobs.JobHandler;
import dev.arkloop.worker.jobs.JobLease;
import io.vertx.core.Future;
import io.vertx.ext.mail.SMTPException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers {@code email.send} jobs. A transient failure (server down, 4xx reply, timeout) fails the
 * future, so the job runner retries with backoff; a permanent one (5xx reply, unusable payload) or
 * the last attempt ends the job as failed. Once a job is finished its body is scrubbed from the row,
 * because it may hold a sign-in code or a verification link.
 */
public final class EmailSendHandler implements JobHandler {
  public static final String TYPE = EmailMessage.JOB_TYPE;
  private static final Logger LOG = LoggerFactory.getLogger(EmailSendHandler.class);

  private final Pool pool;
  private final Mailers mailers;

  public EmailSendHandler(Pool pool, Mailers mailers) {
    this.pool = pool;
    this.mailers = mailers;
  }

  @Override
  public String type() {
    return EmailMessage.JOB_TYPE;
  }

  @Override
  public Future<Void> handle(Job job, JobLease lease) {
    EmailMessage message = EmailMessage.fromJson(job.payload());
    if (message == null) {
      return finish(job, "payload is not a mail");
    }
    return mailers.current().compose(mailer -> mailer == null
            ? retryOrGiveUp(job, new IllegalStateException("SMTP is not configured on this worker"))
            : send(job, message, mailer));
  }

  private Future<Void> send(Job job, EmailMessage message, SmtpMailer mailer) {
    return mailer.send(message)
        .compose(sent -> pool.withTransaction(tx -> JobQueue.complete(tx, job)
            .compose(held -> scrub(tx, job))))
        .<Void>mapEmpty()
        .onSuccess(v -> LOG.info("mail sent [job: {}, attempt: {}]", job.id(), job.attempts()))
        .recover(e -> e instanceof SMTPException smtp && smtp.isPermanent()
            ? finish(job, "SMTP refused the mail: " + smtp.getReplyCode())
            : retryOrGiveUp(job, e));
  }

  private Future<Void> retryOrGiveUp(Job job, Throwable cause) {
    if (job.attempts() >= job.maxAttempts()) {
      return finish(job, "gave up after " + job.attempts() + " attempts: " + describe(cause));
    }
    return Future.failedFuture(new IllegalStateException(describe(cause)));
  }

  /** Ends the job as failed (no more retries) and scrubs its body. */
  private Future<Void> finish(Job job, String error) {
    LOG.warn("mail not sent, giving up [job: {}]: {}", job.id(), error);
    return pool.withTransaction(tx -> JobQueue.fail(tx, job, error)
            .compose(held -> scrub(tx, job)))
        .mapEmpty();
  }

  private static Future<Void> scrub(SqlConnection tx, Job job) {
    return JobQueue.redactPayload(tx, job.id(), "text", EmailMessage.SCRUBBED);
  }

  /** The failure without the mail itself: SMTP replies and connection errors only. */
  private static String describe(Throwable cause) {
    if (cause instanceof SMTPException smtp) {
      return "SMTP " + smtp.getReplyCode() + " " + smtp.getReplyMessage();
    }
    return cause.getClass().getSimpleName() + ": " + cause.getMessage();
  }
}
