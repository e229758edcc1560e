package dev.arkloop.api.billing;

import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.UUID;

/** Subscriptions of accounts to plans; at most one active per account (a partial unique index). */
final class SubscriptionRepository {
  private static final String COLUMNS = "id, org_id, plan_id, status, current_period_start, current_period_end, "
      + "cancelled_at, created_at";

  private final Pool pool;

  SubscriptionRepository(Pool pool) {
    this.pool = pool;
  }

  /** Subscribes the account; a missing account or plan is not found, a second active subscription a conflict. */
  Future<JsonObject> create(UUID orgId, UUID planId, OffsetDateTime start, OffsetDateTime end) {
    return pool.preparedQuery("SELECT (SELECT count(*) FROM orgs WHERE id = $1) AS orgs, "
            + "(SELECT count(*) FROM plans WHERE id = $2) AS plans")
        .execute(Tuple.of(orgId, planId))
        .compose(rows -> {
          var row = rows.iterator().next();
          if (row.getLong("orgs") == 0) {
            return Future.failedFuture(DomainException.notFound("accounts"));
          }
          if (row.getLong("plans") == 0) {
            return Future.failedFuture(DomainException.notFound("plans"));
          }
          return pool.preparedQuery("INSERT INTO subscriptions (id, org_id, plan_id, status, current_period_start, "
                  + "current_period_end) VALUES ($1, $2, $3, 'active', $4, $5) RETURNING " + COLUMNS)
              .execute(Tuple.of(Ids.newId(), orgId, planId, start, end));
        })
        .map(RowJson::first)
        .recover(PgErrors.onUnique(() -> DomainException.conflict("subscriptions.conflict",
            "the account already has an active subscription"), "subscriptions_one_active"));
  }

  /** Newest first; every account's when {@code orgId} is null. */
  Future<JsonArray> list(UUID orgId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM subscriptions WHERE ($1::uuid IS NULL OR org_id = $1) "
            + "ORDER BY created_at DESC, id DESC LIMIT 500")
        .execute(Tuple.of(orgId)).map(RowJson::toArray);
  }

  /** The subscription, of the account unless {@code orgId} is null. */
  Future<JsonObject> get(UUID id, UUID orgId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM subscriptions WHERE id = $1 AND ($2::uuid IS NULL OR org_id = $2)")
        .execute(Tuple.of(id, orgId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(DomainException.notFound("subscriptions"))
            : Future.succeededFuture(RowJson.first(rows)));
  }

  /** Cancels an active subscription. */
  Future<JsonObject> cancel(UUID id) {
    return pool.preparedQuery("UPDATE subscriptions SET status = 'cancelled', cancelled_at = now() "
            + "WHERE id = $1 AND status = 'active' RETURNING " + COLUMNS)
        .execute(Tuple.of(id))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(DomainException.notFound("subscriptions"))
            : Future.succeededFuture(RowJson.first(rows)));
  }
}
