package dev.arkloop.worker.mail;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.arkloop.common.bus.Addresses;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.db.Pools;
import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.mail.EmailMessage;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.worker.RunWorkerVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import jakarta.mail.internet.MimeMessage;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code email.send} jobs through the real worker verticle, against a real SMTP server (GreenMail). */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class EmailSendHandlerTest {
  private GreenMail smtp;
  private Pool pool;

  @AfterEach
  void stopSmtp() {
    if (smtp != null) {
      smtp.stop();
    }
  }

  private int startWorker(Vertx vertx, int smtpPort) {
    NodeEndpoints endpoints = TestInfra.get().newEndpoints();
    ArkloopConfig config = TestInfra.get().config(endpoints, Map.of(
        "ARKLOOP_SMTP_HOST", "127.0.0.1",
        "ARKLOOP_SMTP_PORT", String.valueOf(smtpPort),
        "ARKLOOP_SMTP_TLS_MODE", "none",
        "ARKLOOP_EMAIL_FROM", "Arkloop <no-reply@arkloop.test>",
        "ARKLOOP_WORKER_POLL_SECONDS", "0.1"));
    pool = Pools.create(vertx, endpoints.database(), 4);
    await(vertx.deployVerticle(new RunWorkerVerticle(config, endpoints)));
    return smtpPort;
  }

  private GreenMail startSmtp(int port) {
    smtp = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    return smtp;
  }

  private UUID enqueue(Vertx vertx, JsonObject payload, int maxAttempts) {
    UUID id = await(pool.withTransaction(tx -> JobQueue.enqueue(tx, EmailMessage.JOB_TYPE, 1, payload, null,
        maxAttempts)));
    vertx.eventBus().send(Addresses.jobWake(EmailMessage.JOB_TYPE), new JsonObject().put("job_id", id.toString()));
    return id;
  }

  private Row job(UUID id) {
    return await(pool.preparedQuery("SELECT status, attempts, last_error, payload, run_after > now() AS backing_off "
        + "FROM jobs WHERE id = $1").execute(Tuple.of(id))).iterator().next();
  }

  private static JsonObject payload(Row job) {
    Object value = job.getValue("payload");
    return value instanceof JsonObject json ? json : new JsonObject(String.valueOf(value));
  }

  @Test
  void deliversTheMailThenScrubsTheBodyFromTheJob(Vertx vertx) throws Exception {
    int port = EmbeddedInfrastructure.freePort();
    startSmtp(port);
    startWorker(vertx, port);
    UUID id = enqueue(vertx, new EmailMessage("alice@example.com", "Hello", "code 123456").toJson(), 5);

    assertTrue(smtp.waitForIncomingEmail(10_000, 1));
    MimeMessage received = smtp.getReceivedMessages()[0];
    assertEquals("Hello", received.getSubject());
    assertEquals("alice@example.com", received.getAllRecipients()[0].toString());
    assertTrue(received.getFrom()[0].toString().contains("no-reply@arkloop.test"));
    assertTrue(String.valueOf(received.getContent()).contains("code 123456"));

    Await.until("job done", 10, () -> "done".equals(job(id).getString("status")));
    JsonObject stored = payload(job(id));
    assertEquals(EmailMessage.SCRUBBED, stored.getString("text"));
    assertEquals("alice@example.com", stored.getString("to"));
  }

  @Test
  void retriesWithBackoffWhileTheServerIsDown(Vertx vertx) throws Exception {
    int port = EmbeddedInfrastructure.freePort();
    startWorker(vertx, port);
    UUID id = enqueue(vertx, new EmailMessage("bob@example.com", "Later", "secret link").toJson(), 5);

    Await.until("a failed first attempt", 20, () -> job(id).getInteger("attempts") >= 1
        && "queued".equals(job(id).getString("status")));
    Row failed = job(id);
    assertNotNull(failed.getString("last_error"));
    assertFalse(failed.getString("last_error").contains("secret link"), "the body never reaches last_error");

    startSmtp(port);
    assertTrue(smtp.waitForIncomingEmail(20_000, 1), "delivered on a later attempt");
    Await.until("job done", 10, () -> "done".equals(job(id).getString("status")));
    assertTrue(job(id).getInteger("attempts") >= 2);
  }

  @Test
  void givesUpAfterTheLastAttemptAndScrubs(Vertx vertx) throws Exception {
    startWorker(vertx, EmbeddedInfrastructure.freePort());
    UUID id = enqueue(vertx, new EmailMessage("carol@example.com", "Never", "otp 654321").toJson(), 1);

    Await.until("job failed", 20, () -> "failed".equals(job(id).getString("status")));
    assertEquals(EmailMessage.SCRUBBED, payload(job(id)).getString("text"));
    assertTrue(job(id).getString("last_error").startsWith("gave up after 1 attempts"));
  }

  @Test
  void aPayloadThatIsNoMailFailsAtOnce(Vertx vertx) throws Exception {
    startWorker(vertx, EmbeddedInfrastructure.freePort());
    UUID id = enqueue(vertx, new JsonObject().put("subject", "no recipient"), 5);

    Await.until("job failed", 20, () -> "failed".equals(job(id).getString("status")));
    assertEquals(1, job(id).getInteger("attempts"));
  }
}
