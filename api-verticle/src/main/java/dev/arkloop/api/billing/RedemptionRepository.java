package dev.arkloop.api.billing;

import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Redemption codes: batches, the admin list, deactivation, and redeeming. */
final class RedemptionRepository {
  static final String COLUMNS = "id, code, type, value, max_uses, use_count, is_active, expires_at, batch_id, created_at";
  private static final String INSERT_BATCH = "INSERT INTO redemption_codes (id, code, type, value, max_uses, expires_at, "
      + "batch_id, created_by_user_id) SELECT unnest($1::uuid[]), unnest($2::text[]), $3, $4, $5, $6, $7, $8 "
      + "RETURNING " + COLUMNS;
  private static final String LIST = "SELECT " + COLUMNS + " FROM redemption_codes "
      + "WHERE ($1::text IS NULL OR code ILIKE '%' || $1 || '%' OR batch_id = $1) AND ($2::text IS NULL OR type = $2) "
      + "AND ($3::uuid IS NULL OR (created_at, id) < (SELECT created_at, id FROM redemption_codes WHERE id = $3)) "
      + "ORDER BY created_at DESC, id DESC LIMIT $4";

  /** A new batch. */
  record Batch(int count, String type, String value, int maxUses, OffsetDateTime expiresAt, String batchId,
      UUID createdBy) {}

  private final Pool pool;

  RedemptionRepository(Pool pool) {
    this.pool = pool;
  }

  /** The whole batch in one statement (one transaction); a code collision retries the batch. */
  Future<JsonArray> createBatch(Batch batch) {
    List<UUID> ids = new ArrayList<>();
    List<String> codes = new ArrayList<>();
    for (int i = 0; i < batch.count(); i++) {
      ids.add(Ids.newId());
      codes.add(RedemptionCodes.generate());
    }
    return pool.preparedQuery(INSERT_BATCH)
        .execute(Tuple.of(ids.toArray(new UUID[0]), codes.toArray(new String[0]), batch.type(), batch.value(),
            batch.maxUses(), batch.expiresAt(), batch.batchId()).addValue(batch.createdBy()))
        .map(RowJson::toArray)
        .recover(e -> dev.arkloop.common.db.PgErrors.uniqueViolation(e, null) ? createBatch(batch)
            : Future.failedFuture(e));
  }

  Future<JsonArray> list(String q, String type, UUID cursor, int limit) {
    return pool.preparedQuery(LIST).execute(Tuple.of(q, type, cursor, limit)).map(RowJson::toArray);
  }

  Future<JsonObject> deactivate(UUID id) {
    return pool.preparedQuery("UPDATE redemption_codes SET is_active = false WHERE id = $1 RETURNING " + COLUMNS)
        .execute(Tuple.of(id))
        .compose(rows -> rows.size() == 0 ? Future.failedFuture(DomainException.notFound("redemption_codes"))
            : Future.succeededFuture(RowJson.first(rows)));
  }

  /**
   * Checks and uses the code for the user in one transaction; the code row is locked first, so
   * concurrent redeemers of the last use queue behind each other and only one gets it.
   */
  Future<JsonObject> redeem(String code, UUID userId, UUID orgId) {
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT id, code, type, value, max_uses, use_count, is_active, "
            + "expires_at, expires_at <= now() AS expired, "
            + "EXISTS (SELECT 1 FROM redemption_code_uses u WHERE u.code_id = c.id AND u.user_id = $2) AS redeemed "
            + "FROM redemption_codes c WHERE code = $1 FOR UPDATE")
        .execute(Tuple.of(code, userId))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(DomainException.notFound("redemption_codes"));
          }
          Row row = rows.iterator().next();
          DomainException refused = refusal(row);
          return refused != null ? Future.failedFuture(refused) : use(tx, row, userId, orgId);
        }));
  }

  private static DomainException refusal(Row row) {
    if (!row.getBoolean("is_active")) {
      return DomainException.conflict("redemption_codes.inactive", "this code is no longer active");
    }
    if (Boolean.TRUE.equals(row.getBoolean("expired"))) {
      return new DomainException(DomainException.Kind.GONE, "redemption_codes.expired", "this code has expired", null);
    }
    if (row.getBoolean("redeemed")) {
      return DomainException.conflict("redemption_codes.already_redeemed", "you have already redeemed this code");
    }
    if (row.getInteger("use_count") >= row.getInteger("max_uses")) {
      return DomainException.conflict("redemption_codes.exhausted", "this code has been used up");
    }
    return null;
  }

  private static Future<JsonObject> use(SqlConnection tx, Row row, UUID userId, UUID orgId) {
    UUID codeId = row.getUUID("id");
    String type = row.getString("type");
    String value = row.getString("value");
    return tx.preparedQuery("UPDATE redemption_codes SET use_count = use_count + 1 WHERE id = $1")
        .execute(Tuple.of(codeId))
        .compose(v -> tx.preparedQuery("INSERT INTO redemption_code_uses (code_id, user_id, org_id) VALUES ($1, $2, $3)")
            .execute(Tuple.of(codeId, userId, orgId)))
        .compose(v -> type.equals("credits")
            ? CreditLedger.record(tx, orgId, Long.parseLong(value), "redemption", "redemption_code",
                codeId.toString(), null, userId).mapEmpty()
            : Future.succeededFuture())
        .map(v -> new JsonObject().put("code", row.getString("code")).put("type", type).put("value", value));
  }
}
