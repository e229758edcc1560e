package dev.arkloop.api.asr;

import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;
import java.util.function.Function;

/**
 * ASR credentials of an account ({@code orgId}) or, with {@code orgId} null, of the platform. The
 * sealed key is read only by {@link #defaultFor}, for a call; listings show {@code key_prefix}.
 */
final class AsrCredentialRepository {
  private static final String COLUMNS = "id, org_id, CASE WHEN org_id IS NULL THEN 'platform' ELSE 'org' END AS scope, "
      + "provider, name, key_prefix, base_url, model, is_default, created_at, updated_at";
  private static final String IN_SCOPE = "org_id IS NOT DISTINCT FROM $1";

  /** What a transcription needs of the credential in use. */
  record InUse(String provider, String baseUrl, String model, String sealedKey) {}

  private final Pool pool;

  AsrCredentialRepository(Pool pool) {
    this.pool = pool;
  }

  /** The account's credentials and the platform's. */
  Future<JsonArray> listVisible(UUID orgId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM asr_credentials WHERE org_id = $1 OR org_id IS NULL "
            + "ORDER BY (org_id IS NULL), created_at, id")
        .execute(Tuple.of(orgId)).map(RowJson::toArray);
  }

  Future<JsonObject> create(UUID orgId, String provider, String name, String sealedKey, String keyPrefix,
      String baseUrl, String model, boolean isDefault) {
    UUID id = Ids.newId();
    return pool.withTransaction(tx -> (isDefault ? clearDefault(tx, orgId) : Future.<Void>succeededFuture())
        .compose(v -> tx.preparedQuery("INSERT INTO asr_credentials (id, org_id, provider, name, api_key_encrypted, "
                + "key_prefix, base_url, model, is_default) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING "
                + COLUMNS)
            .execute(Tuple.from(new Object[] {id, orgId, provider, name, sealedKey, keyPrefix, baseUrl, model,
                isDefault}))
            .map(RowJson::first)))
        .recover(nameTaken());
  }

  /** Applies the given changes (null = unchanged); null when no such credential in the scope. */
  Future<JsonObject> update(UUID orgId, UUID id, String name, String sealedKey, String keyPrefix, String baseUrl,
      boolean clearBaseUrl, String model, Boolean isDefault) {
    return pool.withTransaction(tx -> (Boolean.TRUE.equals(isDefault) ? clearDefault(tx, orgId)
            : Future.<Void>succeededFuture())
        .compose(v -> tx.preparedQuery("UPDATE asr_credentials SET name = COALESCE($3, name), "
                + "api_key_encrypted = COALESCE($4, api_key_encrypted), key_prefix = COALESCE($5, key_prefix), "
                + "base_url = CASE WHEN $7 THEN NULL ELSE COALESCE($6, base_url) END, model = COALESCE($8, model), "
                + "is_default = COALESCE($9, is_default), updated_at = now() WHERE id = $2 AND " + IN_SCOPE
                + " RETURNING " + COLUMNS)
            .execute(Tuple.from(new Object[] {orgId, id, name, sealedKey, keyPrefix, baseUrl, clearBaseUrl, model,
                isDefault}))
            .map(RowJson::first)))
        .recover(nameTaken());
  }

  private static <T> Function<Throwable, Future<T>> nameTaken() {
    return PgErrors.onUnique(() -> DomainException.fieldConflict("asr_credentials", "name",
        "an ASR credential with this name exists"), "asr_credentials_org_name_key", "asr_credentials_platform_name_key");
  }

  Future<Boolean> delete(UUID orgId, UUID id) {
    return pool.preparedQuery("DELETE FROM asr_credentials WHERE id = $2 AND " + IN_SCOPE)
        .execute(Tuple.of(orgId, id)).map(rows -> rows.rowCount() == 1);
  }

  Future<Boolean> setDefault(UUID orgId, UUID id) {
    return pool.withTransaction(tx -> clearDefault(tx, orgId)
        .compose(v -> tx.preparedQuery("UPDATE asr_credentials SET is_default = true, updated_at = now() "
            + "WHERE id = $2 AND " + IN_SCOPE).execute(Tuple.of(orgId, id)))
        .compose(rows -> rows.rowCount() == 1 ? Future.succeededFuture(true)
            : Future.failedFuture(new NotFound())))
        .recover(e -> e instanceof NotFound ? Future.succeededFuture(false) : Future.failedFuture(e));
  }

  /** The account's default credential, else the platform's; null when neither has one. */
  Future<InUse> defaultFor(UUID orgId) {
    return pool.preparedQuery("SELECT provider, base_url, model, api_key_encrypted FROM asr_credentials "
            + "WHERE is_default AND (org_id = $1 OR org_id IS NULL) ORDER BY (org_id IS NULL) LIMIT 1")
        .execute(Tuple.of(orgId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new InUse(row.getString("provider"), row.getString("base_url"), row.getString("model"),
              row.getString("api_key_encrypted"));
        });
  }

  private static Future<Void> clearDefault(SqlClient tx, UUID orgId) {
    return tx.preparedQuery("UPDATE asr_credentials SET is_default = false, updated_at = now() WHERE is_default AND "
        + IN_SCOPE).execute(Tuple.of(orgId)).mapEmpty();
  }

  /** Rolls the set-default transaction back when the credential is not in the scope. */
  private static final class NotFound extends RuntimeException {
    NotFound() {
      super(null, null, false, false);
    }
  }
}
