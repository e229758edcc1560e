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

/** Per-account entitlement overrides. */
final class EntitlementOverrideRepository {
  private static final String COLUMNS = "id, org_id, key, value, value_type, reason, expires_at, created_by_user_id, "
      + "created_at";

  /** A new override, already checked. */
  record Override(UUID orgId, String key, String value, String valueType, String reason, OffsetDateTime expiresAt,
      UUID createdBy) {}

  private final Pool pool;

  EntitlementOverrideRepository(Pool pool) {
    this.pool = pool;
  }

  /** The account's overrides, newest first. */
  Future<JsonArray> list(UUID orgId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM entitlement_overrides WHERE org_id = $1 "
        + "ORDER BY created_at DESC, id DESC").execute(Tuple.of(orgId)).map(RowJson::toArray);
  }

  /** An unknown account is not found. */
  Future<JsonObject> create(Override entry) {
    return pool.preparedQuery("INSERT INTO entitlement_overrides (id, org_id, key, value, value_type, reason, expires_at, "
            + "created_by_user_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING " + COLUMNS)
        .execute(Tuple.of(Ids.newId(), entry.orgId(), entry.key(), entry.value(), entry.valueType(), entry.reason())
            .addValue(entry.expiresAt()).addValue(entry.createdBy()))
        .map(RowJson::first)
        .recover(PgErrors.onForeignKey(() -> DomainException.notFound("accounts")));
  }

  /** Deletes the override (of the account, unless {@code orgId} is null) and returns the account it was of. */
  Future<UUID> delete(UUID id, UUID orgId) {
    return pool.preparedQuery("DELETE FROM entitlement_overrides WHERE id = $1 AND ($2::uuid IS NULL OR org_id = $2) "
            + "RETURNING org_id")
        .execute(Tuple.of(id, orgId))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(DomainException.notFound("entitlement_overrides"))
            : Future.succeededFuture(rows.iterator().next().getUUID("org_id")));
  }
}
