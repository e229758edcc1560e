package dev.arkloop.api.llm;

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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * LLM providers and their models. Every provider query is scoped: {@code orgId} is the account, or
 * null for the platform's providers. Column maps come from {@link LlmInputs}, never from clients.
 */
public final class LlmProviderRepository {
  private static final String PROVIDER = "SELECT id, org_id, CASE WHEN org_id IS NULL THEN 'platform' ELSE 'org' END "
      + "AS scope, provider, name, key_prefix, base_url, openai_api_mode, advanced_json, created_at, updated_at "
      + "FROM llm_providers WHERE org_id IS NOT DISTINCT FROM $1";
  private static final String MODEL = "SELECT id, provider_id, model, priority, is_default, tags, \"when\", "
      + "advanced_json, multiplier, cost_per_1k_input, cost_per_1k_output, cost_per_1k_cache_write, "
      + "cost_per_1k_cache_read, show_in_picker, created_at, updated_at FROM llm_models";
  private static final String MODEL_ORDER = " ORDER BY is_default DESC, priority DESC, created_at, id";

  /** What a call to the upstream needs of a provider: its kind, URL and sealed key. */
  public record Credentials(String provider, String baseUrl, String sealedKey) {}

  private final Pool pool;

  public LlmProviderRepository(Pool pool) {
    this.pool = pool;
  }

  /** The scope's providers, oldest first, each with its models. */
  public Future<JsonArray> list(UUID orgId) {
    return pool.preparedQuery(PROVIDER + " ORDER BY created_at, id").execute(Tuple.of(orgId))
        .compose(rows -> {
          JsonArray providers = RowJson.toArray(rows);
          UUID[] ids = providers.stream().map(p -> UUID.fromString(((JsonObject) p).getString("id")))
              .toArray(UUID[]::new);
          return pool.preparedQuery(MODEL + " WHERE provider_id = ANY($1)" + MODEL_ORDER).execute(Tuple.of(ids))
              .map(models -> {
                Map<String, JsonArray> byProvider = new HashMap<>();
                models.forEach(row -> byProvider.computeIfAbsent(row.getUUID("provider_id").toString(),
                    id -> new JsonArray()).add(RowJson.toJson(row)));
                providers.forEach(p -> ((JsonObject) p).put("models",
                    byProvider.getOrDefault(((JsonObject) p).getString("id"), new JsonArray())));
                return providers;
              });
        });
  }

  /** One provider of the scope with its models, or null. */
  public Future<JsonObject> get(UUID orgId, UUID providerId) {
    return pool.preparedQuery(PROVIDER + " AND id = $2").execute(Tuple.of(orgId, providerId))
        .compose(rows -> {
          JsonObject provider = RowJson.first(rows);
          if (provider == null) {
            return Future.succeededFuture(null);
          }
          return pool.preparedQuery(MODEL + " WHERE provider_id = $1" + MODEL_ORDER).execute(Tuple.of(providerId))
              .map(models -> provider.put("models", RowJson.toArray(models)));
        });
  }

  public Future<Credentials> credentials(UUID orgId, UUID providerId) {
    return pool.preparedQuery("SELECT provider, base_url, api_key_encrypted FROM llm_providers "
            + "WHERE org_id IS NOT DISTINCT FROM $1 AND id = $2")
        .execute(Tuple.of(orgId, providerId))
        .map(rows -> {
          if (rows.size() == 0) {
            return null;
          }
          Row row = rows.iterator().next();
          return new Credentials(row.getString("provider"), row.getString("base_url"),
              row.getString("api_key_encrypted"));
        });
  }

  /** Inserts a provider; fails with a unique violation when the name is taken in the scope. */
  public Future<JsonObject> create(UUID orgId, Map<String, Object> columns) {
    UUID id = Ids.newId();
    Map<String, Object> all = new java.util.LinkedHashMap<>(columns);
    all.put("id", id);
    all.put("org_id", orgId);
    return insert(pool, "llm_providers", all).recover(providerNameTaken()).compose(v -> get(orgId, id));
  }

  /** Applies the changes; false when the scope has no such provider. */
  public Future<Boolean> update(UUID orgId, UUID providerId, Map<String, Object> changes) {
    List<Object> values = new ArrayList<>(List.of(orgId, providerId));
    String sets = assignments(changes, values);
    return pool.preparedQuery("UPDATE llm_providers SET " + sets + "updated_at = now() "
            + "WHERE org_id IS NOT DISTINCT FROM $1 AND id = $2")
        .execute(Tuple.from(values))
        .map(rows -> rows.rowCount() > 0)
        .recover(providerNameTaken());
  }

  private static <T> Function<Throwable, Future<T>> providerNameTaken() {
    return PgErrors.onUnique(() -> DomainException.fieldConflict("llm_providers", "name",
        "a provider with this name already exists"), "llm_providers_org_name_key", "llm_providers_platform_name_key");
  }

  private static <T> Function<Throwable, Future<T>> modelTaken() {
    return PgErrors.onUnique(() -> DomainException.fieldConflict("llm_provider_models", "model",
        "this provider already has this model"), "llm_models_provider_model_key");
  }

  /** Deletes the provider and (by cascade) its models. */
  public Future<Boolean> delete(UUID orgId, UUID providerId) {
    return pool.preparedQuery("DELETE FROM llm_providers WHERE org_id IS NOT DISTINCT FROM $1 AND id = $2")
        .execute(Tuple.of(orgId, providerId))
        .map(rows -> rows.rowCount() > 0);
  }

  /** Inserts a model of a provider the caller already found in scope; a new default replaces the old one. */
  public Future<JsonObject> createModel(UUID providerId, Map<String, Object> columns) {
    UUID id = Ids.newId();
    Map<String, Object> all = new java.util.LinkedHashMap<>(columns);
    all.put("id", id);
    all.put("provider_id", providerId);
    return pool.withTransaction(tx -> clearDefault(tx, providerId, id, columns)
        .compose(v -> insert(tx, "llm_models", all))
        .compose(v -> model(tx, providerId, id)))
        .recover(modelTaken());
  }

  /** The updated model, or null when the provider has no such model. */
  public Future<JsonObject> updateModel(UUID providerId, UUID modelId, Map<String, Object> changes) {
    List<Object> values = new ArrayList<>(List.of(providerId, modelId));
    String sets = assignments(changes, values);
    return pool.withTransaction(tx -> clearDefault(tx, providerId, modelId, changes)
        .compose(v -> tx.preparedQuery("UPDATE llm_models SET " + sets + "updated_at = now() "
            + "WHERE provider_id = $1 AND id = $2").execute(Tuple.from(values)))
        .compose(rows -> rows.rowCount() == 0 ? Future.succeededFuture(null) : model(tx, providerId, modelId)))
        .recover(modelTaken());
  }

  public Future<Boolean> deleteModel(UUID providerId, UUID modelId) {
    return pool.preparedQuery("DELETE FROM llm_models WHERE provider_id = $1 AND id = $2")
        .execute(Tuple.of(providerId, modelId))
        .map(rows -> rows.rowCount() > 0);
  }

  /** The names of the provider's models (to mark the upstream catalogue's configured entries). */
  public Future<List<String>> modelNames(UUID providerId) {
    return pool.preparedQuery("SELECT model FROM llm_models WHERE provider_id = $1").execute(Tuple.of(providerId))
        .map(rows -> {
          List<String> names = new ArrayList<>();
          rows.forEach(row -> names.add(row.getString("model")));
          return names;
        });
  }

  private static Future<JsonObject> model(SqlClient client, UUID providerId, UUID modelId) {
    return client.preparedQuery(MODEL + " WHERE provider_id = $1 AND id = $2").execute(Tuple.of(providerId, modelId))
        .map(RowJson::first);
  }

  /** One default per provider: setting one unsets the others in the same transaction. */
  private static Future<Void> clearDefault(SqlClient tx, UUID providerId, UUID keep, Map<String, Object> columns) {
    if (!Boolean.TRUE.equals(columns.get("is_default"))) {
      return Future.succeededFuture();
    }
    return tx.preparedQuery("UPDATE llm_models SET is_default = false, updated_at = now() "
            + "WHERE provider_id = $1 AND id <> $2 AND is_default")
        .execute(Tuple.of(providerId, keep)).mapEmpty();
  }

  private static Future<Void> insert(SqlClient client, String table, Map<String, Object> columns) {
    List<String> names = new ArrayList<>();
    List<String> params = new ArrayList<>();
    List<Object> values = new ArrayList<>();
    columns.forEach((column, value) -> {
      names.add(quoted(column));
      values.add(value);
      params.add("$" + values.size());
    });
    return client.preparedQuery("INSERT INTO " + table + " (" + String.join(", ", names) + ") VALUES ("
        + String.join(", ", params) + ")").execute(Tuple.from(values)).mapEmpty();
  }

  /** {@code col = $n, } for each change, numbered after the values already bound. */
  private static String assignments(Map<String, Object> changes, List<Object> values) {
    StringBuilder sets = new StringBuilder();
    changes.forEach((column, value) -> {
      values.add(value);
      sets.append(quoted(column)).append(" = $").append(values.size()).append(", ");
    });
    return sets.toString();
  }

  private static String quoted(String column) {
    return "\"" + column + "\"";
  }
}
