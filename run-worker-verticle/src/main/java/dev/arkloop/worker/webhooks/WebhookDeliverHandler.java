package dev.arkloop.worker.webhooks;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.jobs.Job;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.notifications.Notifications;
import dev.arkloop.common.webhooks.WebhookEvents;
import dev.arkloop.common.webhooks.WebhookSender;
import dev.arkloop.worker.jobs.JobHandler;
import dev.arkloop.worker.jobs.JobLease;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one {@code webhook.deliver} job: signs and POSTs the delivery's event, records the attempt
 * in the delivery log, and either ends the job (a 2xx, a 410 Gone that also disables the endpoint, a
 * refused address, the last attempt) or schedules the next attempt with exponential backoff and
 * jitter. The delivery id is the same on every attempt, so receivers can drop duplicates: delivery is
 * at least once (a worker killed after the receiver answered sends it again).
 */
public final class WebhookDeliverHandler implements JobHandler {
  private static final Logger LOG = LoggerFactory.getLogger(WebhookDeliverHandler.class);
  private static final Duration MAX_DELAY = Duration.ofHours(1);
  static final String DISABLED_TYPE = "webhook.endpoint_disabled";
  private static final String LOAD = """
      SELECT d.id, d.org_id, d.event_type, d.data, d.status, d.attempts, d.created_at, e.id AS endpoint_id, e.url,
        e.enabled, e.secret_sealed,
        CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret_sealed END AS previous_secret
      FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id WHERE d.id = $1""";
  private static final String RECORD = """
      UPDATE webhook_deliveries SET status = $2, attempts = $3, last_status = $4, last_response_body = $5,
        last_error = $6, last_duration_ms = $7, last_attempt_at = now(),
        next_attempt_at = CASE WHEN $2 = 'pending' THEN now() + make_interval(secs => $8) END,
        delivered_at = CASE WHEN $2 = 'delivered' THEN now() END
      WHERE id = $1""";

  private final Vertx vertx;
  private final Pool pool;
  private final SecretBox secrets;
  private final WebhookSender sender;
  private final Notifications notifications;
  private final ArkloopConfig.Webhooks settings;

  public WebhookDeliverHandler(Vertx vertx, Pool pool, SecretBox secrets, WebhookSender sender,
      Notifications notifications, ArkloopConfig.Webhooks settings) {
    this.vertx = vertx;
    this.pool = pool;
    this.secrets = secrets;
    this.sender = sender;
    this.notifications = notifications;
    this.settings = settings;
  }

  @Override
  public String type() {
    return WebhookEvents.JOB_TYPE;
  }

  @Override
  public Future<Void> handle(Job job, JobLease lease) {
    UUID deliveryId = UUID.fromString(job.payload().getString("delivery_id"));
    return pool.preparedQuery(LOAD).execute(Tuple.of(deliveryId)).compose(rows -> {
      if (rows.size() == 0) {
        return JobQueue.complete(pool, job).mapEmpty(); // its endpoint was deleted
      }
      Row row = rows.iterator().next();
      if (!row.getString("status").equals("pending")) {
        return JobQueue.complete(pool, job).mapEmpty();
      }
      if (!row.getBoolean("enabled")) {
        return finish(job, row, "failed", row.getInteger("attempts"), null, null, "the endpoint is disabled", 0);
      }
      if (secrets == null) {
        return Future.failedFuture(new IllegalStateException("ARKLOOP_ENCRYPTION_KEY is not set on this worker"));
      }
      String body = new JsonObject().put("id", deliveryId.toString()).put("type", row.getString("event_type"))
          .put("created_at", RowJson.timestamp(row.getOffsetDateTime("created_at")))
          .put("data", json(row.getValue("data"))).encode();
      return vertx.executeBlocking(() -> keys(row), false)
          .compose(keys -> sender.send(row.getString("url"), row.getString("event_type"), deliveryId, body, keys))
          .compose(attempt -> lease.isLost() ? Future.succeededFuture() : record(job, row, attempt));
    });
  }

  private Future<Void> record(Job job, Row row, WebhookSender.Attempt attempt) {
    int attempts = row.getInteger("attempts") + 1;
    if (attempt.delivered()) {
      LOG.info("webhook delivered [delivery: {}, attempt: {}, status: {}]", row.getUUID("id"), attempts,
          attempt.status());
      return finish(job, row, "delivered", attempts, attempt.status(), attempt.body(), null, attempt.durationMs());
    }
    String error = attempt.error() != null ? attempt.error() : "the receiver answered " + attempt.status();
    if (attempt.status() != null && attempt.status() == 410) {
      return finish(job, row, "failed", attempts, 410, attempt.body(), error, attempt.durationMs())
          .compose(v -> disable(row, "the receiver answered 410 Gone"));
    }
    boolean refused = attempt.error() != null && attempt.error().startsWith("refused");
    if (refused || attempts >= settings.maxAttempts()) {
      LOG.warn("webhook failed for good [delivery: {}, attempts: {}]: {}", row.getUUID("id"), attempts, error);
      return finish(job, row, "failed", attempts, attempt.status(), attempt.body(), error, attempt.durationMs());
    }
    Duration delay = backoff(attempts);
    return pool.withTransaction(tx -> tx.preparedQuery(RECORD)
            .execute(Tuple.from(new Object[] {row.getUUID("id"), "pending", attempts, attempt.status(), attempt.body(),
                error, (int) attempt.durationMs(), delay.toMillis() / 1000.0}))
            .compose(v -> failing(tx, row)))
        .compose(v -> new JobQueue(pool).retryLater(job, error, delay))
        .mapEmpty();
  }

  /** Records the last attempt and ends the job, fenced by its lease. */
  private Future<Void> finish(Job job, Row row, String status, int attempts, Integer httpStatus, String body,
      String error, long durationMs) {
    return pool.withTransaction(tx -> tx.preparedQuery(RECORD)
        .execute(Tuple.from(new Object[] {row.getUUID("id"), status, attempts, httpStatus, body, error,
            (int) durationMs, 0.0}))
        .compose(v -> status.equals("delivered")
            // only a streak to end locks the endpoint: a burst of deliveries to it must not queue on its row
            ? tx.preparedQuery("UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 "
                + "AND failing_since IS NOT NULL")
                .execute(Tuple.of(row.getUUID("endpoint_id"))).mapEmpty()
            : failing(tx, row))
        .compose(v -> status.equals("delivered") ? JobQueue.complete(tx, job) : JobQueue.fail(tx, job, error))
        .mapEmpty());
  }

  /** Starts or continues the endpoint's failure streak; three days of it disable the endpoint. */
  private Future<Void> failing(SqlConnection tx, Row row) {
    return tx.preparedQuery("UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now()) "
            + "WHERE id = $1 RETURNING enabled AND failing_since < now() - interval '3 days' AS expired, "
            + "created_by, url")
        .execute(Tuple.of(row.getUUID("endpoint_id")))
        .compose(rows -> {
          if (rows.size() == 0 || !rows.iterator().next().getBoolean("expired")) {
            return Future.succeededFuture();
          }
          Row endpoint = rows.iterator().next();
          return disable(tx, row, "deliveries failed for 3 days", endpoint.getUUID("created_by"),
              endpoint.getString("url"));
        });
  }

  private Future<Void> disable(Row row, String reason) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT created_by, url FROM webhook_endpoints WHERE id = $1")
        .execute(Tuple.of(row.getUUID("endpoint_id")))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture()
            : disable(tx, row, reason, rows.iterator().next().getUUID("created_by"),
                rows.iterator().next().getString("url"))));
  }

  private Future<Void> disable(SqlConnection tx, Row row, String reason, UUID owner, String url) {
    LOG.warn("webhook endpoint disabled [endpoint: {}]: {}", row.getUUID("endpoint_id"), reason);
    return tx.preparedQuery("UPDATE webhook_endpoints SET enabled = false, disabled_reason = $2, updated_at = now() "
            + "WHERE id = $1")
        .execute(Tuple.of(row.getUUID("endpoint_id"), reason))
        .compose(v -> owner == null ? Future.succeededFuture() : notifications.send(tx, owner, row.getUUID("org_id"),
            DISABLED_TYPE, "Webhook endpoint disabled", "Deliveries to " + url + " were stopped: " + reason + ".",
            new JsonObject().put("endpoint_id", row.getUUID("endpoint_id").toString()).put("reason", reason)))
        .mapEmpty();
  }

  /** Retry n waits base × 2^(n-1), plus up to 20 % jitter, at most an hour. */
  Duration backoff(int attempts) {
    double millis = settings.retryBaseMillis() * Math.pow(2, Math.min(attempts - 1, 30));
    millis *= 1 + ThreadLocalRandom.current().nextDouble(0.2);
    return Duration.ofMillis((long) Math.min(millis, MAX_DELAY.toMillis()));
  }

  private List<String> keys(Row row) {
    List<String> keys = new ArrayList<>(List.of(secrets.open(row.getString("secret_sealed"))));
    String previous = row.getString("previous_secret");
    if (previous != null) {
      keys.add(secrets.open(previous));
    }
    return keys;
  }

  private static JsonObject json(Object value) {
    return value instanceof JsonObject json ? json : new JsonObject(String.valueOf(value));
  }
}
