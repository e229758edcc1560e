package dev.arkloop.api.webhooks;

import dev.arkloop.api.threads.ThreadCursor;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.jobs.JobQueue;
import dev.arkloop.common.webhooks.WebhookEvents;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** An account's webhook endpoints and their delivery log; every query is keyed by the account. */
public final class WebhookRepository {
  static final String COLUMNS = "id, org_id, url, events, enabled, disabled_reason, created_at, updated_at";
  private static final String DELIVERY_COLUMNS = "id, endpoint_id, event_type, status, attempts, "
      + "last_status AS last_response_status, last_response_body, last_error, last_duration_ms, last_attempt_at, "
      + "next_attempt_at, delivered_at, created_at";
  /** The job never gives up by itself: webhook.deliver counts attempts and schedules retries. */
  static final int JOB_ATTEMPTS = 1000;

  /** What signing needs: the URL and the sealed secrets still valid. */
  record Signing(String url, String secret, String previousSecret) {}

  /** A listed delivery and its cursor. */
  record Delivery(JsonObject json, ThreadCursor position) {}

  private final Pool pool;

  public WebhookRepository(Pool pool) {
    this.pool = pool;
  }

  Future<JsonObject> create(UUID orgId, String url, List<String> events, String sealedSecret, UUID createdBy) {
    return pool.preparedQuery("INSERT INTO webhook_endpoints (id, org_id, url, events, secret_sealed, created_by) "
            + "VALUES ($1, $2, $3, $4, $5, $6) RETURNING " + COLUMNS)
        .execute(Tuple.of(Ids.newId(), orgId, url, events.toArray(String[]::new), sealedSecret, createdBy))
        .map(RowJson::first);
  }

  Future<JsonArray> list(UUID orgId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE org_id = $1 "
            + "ORDER BY created_at DESC, id DESC")
        .execute(Tuple.of(orgId))
        .map(RowJson::toArray);
  }

  Future<JsonObject> get(UUID orgId, UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM webhook_endpoints WHERE org_id = $1 AND id = $2")
        .execute(Tuple.of(orgId, id))
        .map(RowJson::first);
  }

  /** Enabling again also forgets the failure streak and the reason it was disabled. */
  Future<JsonObject> setEnabled(UUID orgId, UUID id, boolean enabled) {
    return pool.preparedQuery("UPDATE webhook_endpoints SET enabled = $3, updated_at = now(), "
            + "failing_since = CASE WHEN $3 THEN NULL ELSE failing_since END, "
            + "disabled_reason = CASE WHEN $3 THEN NULL ELSE 'disabled by a user' END "
            + "WHERE org_id = $1 AND id = $2 RETURNING " + COLUMNS)
        .execute(Tuple.of(orgId, id, enabled))
        .map(RowJson::first);
  }

  Future<Boolean> delete(UUID orgId, UUID id) {
    return pool.preparedQuery("DELETE FROM webhook_endpoints WHERE org_id = $1 AND id = $2")
        .execute(Tuple.of(orgId, id))
        .map(rows -> rows.rowCount() == 1);
  }

  /** The old secret keeps signing beside the new one for a day, so receivers can switch without a gap. */
  Future<JsonObject> rotate(UUID orgId, UUID id, String sealedSecret) {
    return pool.preparedQuery("UPDATE webhook_endpoints SET previous_secret_sealed = secret_sealed, "
            + "previous_secret_expires_at = now() + interval '24 hours', secret_sealed = $3, updated_at = now() "
            + "WHERE org_id = $1 AND id = $2 RETURNING id, previous_secret_expires_at")
        .execute(Tuple.of(orgId, id, sealedSecret))
        .map(RowJson::first);
  }

  Future<Signing> signing(UUID orgId, UUID id) {
    return pool.preparedQuery("SELECT url, secret_sealed, CASE WHEN previous_secret_expires_at > now() "
            + "THEN previous_secret_sealed END AS previous FROM webhook_endpoints WHERE org_id = $1 AND id = $2")
        .execute(Tuple.of(orgId, id))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new Signing(row.getString("url"), row.getString("secret_sealed"), row.getString("previous"));
        });
  }

  /** Newest first, {@code limit + 1} at most. */
  Future<List<Delivery>> deliveries(UUID orgId, UUID endpointId, ThreadCursor before, int limit) {
    return pool.preparedQuery("SELECT " + DELIVERY_COLUMNS + " FROM webhook_deliveries WHERE org_id = $1 "
            + "AND endpoint_id = $2 AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4)) "
            + "ORDER BY created_at DESC, id DESC LIMIT $5")
        .execute(Tuple.of(orgId, endpointId, before == null ? null : before.sortTime(),
            before == null ? null : before.id(), limit + 1))
        .map(rows -> {
          List<Delivery> deliveries = new ArrayList<>();
          for (Row row : rows) {
            deliveries.add(new Delivery(RowJson.toJson(row),
                new ThreadCursor(row.getOffsetDateTime("created_at"), row.getUUID("id"))));
          }
          return deliveries;
        });
  }

  /** Queues the delivery again (same id, fresh attempts); the job id, or null when there is no such delivery. */
  Future<UUID> redeliver(UUID orgId, UUID endpointId, UUID deliveryId) {
    return pool.withTransaction(tx -> tx.preparedQuery("UPDATE webhook_deliveries SET status = 'pending', "
            + "attempts = 0, next_attempt_at = now() WHERE org_id = $1 AND endpoint_id = $2 AND id = $3")
        .execute(Tuple.of(orgId, endpointId, deliveryId))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(null)
            : JobQueue.enqueue(tx, WebhookEvents.JOB_TYPE, 1, new JsonObject().put("delivery_id", deliveryId.toString()),
                orgId, JOB_ATTEMPTS)));
  }

  /** A ping is logged like any delivery, already attempted once. */
  Future<Void> recordPing(UUID orgId, UUID endpointId, UUID deliveryId, JsonObject data, boolean delivered,
      Integer status, String body, String error, long durationMs) {
    return pool.preparedQuery("INSERT INTO webhook_deliveries (id, endpoint_id, org_id, event_type, data, status, "
            + "attempts, last_status, last_response_body, last_error, last_duration_ms, last_attempt_at, delivered_at) "
            + "VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8, $9, $10, now(), CASE WHEN $11 THEN now() END)")
        .execute(Tuple.from(new Object[] {deliveryId, endpointId, orgId, WebhookEvents.PING, data,
            delivered ? "delivered" : "failed", status, body, error, (int) durationMs, delivered}))
        .mapEmpty();
  }
}
