package dev.arkloop.worker.llm;

import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.cache.ExpiringCache;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes runs to the models configured over {@code /v1/llm-providers}: the account's own, then the
 * platform's, each ordered default first, then by priority. When neither has any model the fallback
 * routes serve (the environment's providers, else the built-in stub). See {@link RouteSelection}.
 * The stored routes of an account are remembered until the API announces a change
 * ({@link dev.arkloop.common.bus.ConfigChanges#MODEL_ROUTES}) or for a minute.
 */
public final class DatabaseModelRouter implements ModelRouter {
  private static final Logger LOG = LoggerFactory.getLogger(DatabaseModelRouter.class);
  private static final String MODELS = """
      SELECT m.id, m.model, m.advanced_json AS model_advanced, m.multiplier, m.cost_per_1k_input,
             m.cost_per_1k_output, m.cost_per_1k_cache_write, m.cost_per_1k_cache_read,
             p.id AS provider_id, p.name, p.provider, p.base_url, p.openai_api_mode,
             p.advanced_json AS provider_advanced, p.api_key_encrypted
      FROM llm_models m JOIN llm_providers p ON p.id = m.provider_id
      WHERE p.org_id = $1 OR p.org_id IS NULL
      ORDER BY (p.org_id IS NULL), m.is_default DESC, m.priority DESC, m.created_at, m.id""";

  private final Pool pool;
  private final SecretBox secrets;
  private final LlmClients clients;
  private final List<ModelRoute> environment;
  private final ModelRouter unconfigured;
  /** The stored routes by account, until they change (announced) or a minute passes. */
  private final ExpiringCache<UUID, List<ModelRoute>> stored = new ExpiringCache<>(CACHE_MILLIS, 10_000);

  static final long CACHE_MILLIS = 60_000;

  /**
   * @param secrets opens stored keys; null when no encryption key is configured (stored providers are skipped)
   * @param environment routes from the environment (may be empty)
   * @param unconfigured what serves when nothing is configured at all (the stub)
   */
  public DatabaseModelRouter(Pool pool, SecretBox secrets, LlmClients clients, List<ModelRoute> environment,
      ModelRouter unconfigured) {
    this.pool = pool;
    this.secrets = secrets;
    this.clients = clients;
    this.environment = List.copyOf(environment);
    this.unconfigured = unconfigured;
  }

  @Override
  public Future<List<ModelRoute>> routes(UUID orgId, JsonObject runOptions, String personaSelector) {
    JsonObject options = runOptions == null ? new JsonObject() : runOptions;
    return configured(orgId).compose(configured -> fallbacks(orgId, options, personaSelector)
        .map(fallbacks -> RouteSelection.select(configured, fallbacks, options, personaSelector)));
  }

  private Future<List<ModelRoute>> fallbacks(UUID orgId, JsonObject options, String personaSelector) {
    return environment.isEmpty() ? unconfigured.routes(orgId, options, personaSelector)
        : Future.succeededFuture(environment);
  }

  /** Drops the remembered routes: a provider or model was created, changed or deleted. */
  public void forget() {
    stored.clear();
  }

  /** The account's and the platform's models, best first. */
  private Future<List<ModelRoute>> configured(UUID orgId) {
    return stored.get(orgId, () -> load(orgId));
  }

  private Future<List<ModelRoute>> load(UUID orgId) {
    return pool.preparedQuery(MODELS).execute(Tuple.of(orgId)).map(rows -> {
      List<ModelRoute> routes = new ArrayList<>();
      for (Row row : rows) {
        ModelRoute route = route(row);
        if (route != null) {
          routes.add(route);
        }
      }
      return List.copyOf(routes);
    });
  }

  private ModelRoute route(Row row) {
    if (secrets == null) {
      return null;
    }
    String apiKey;
    try {
      apiKey = secrets.open(row.getString("api_key_encrypted"));
    } catch (RuntimeException e) {
      // a key sealed under another ARKLOOP_ENCRYPTION_KEY: the route cannot work, the others still can
      LOG.warn("provider key does not open, its models are skipped [provider: {}]", row.getUUID("provider_id"));
      return null;
    }
    JsonObject advanced = merged(json(row.getValue("provider_advanced")), json(row.getValue("model_advanced")));
    Endpoint endpoint = new Endpoint(row.getString("provider"), row.getString("base_url"), apiKey, false);
    LlmProvider client = clients.create(endpoint, row.getString("openai_api_mode"), advanced);
    ModelRoute.Prices prices = new ModelRoute.Prices(price(row, "cost_per_1k_input"),
        price(row, "cost_per_1k_output"), price(row, "cost_per_1k_cache_write"), price(row, "cost_per_1k_cache_read"),
        row.getDouble("multiplier"));
    return new ModelRoute(row.getUUID("id").toString(), row.getString("name"), row.getString("provider"),
        row.getString("model"), client, prices);
  }

  /** The provider's advanced settings overlaid by the model's, key by key (API.md §5.1). */
  static JsonObject merged(JsonObject provider, JsonObject model) {
    if (provider == null && model == null) {
      return null;
    }
    JsonObject merged = provider == null ? new JsonObject() : provider.copy();
    if (model != null) {
      merged.mergeIn(model);
    }
    return merged;
  }

  private static double price(Row row, String column) {
    Double value = row.getDouble(column);
    return value == null ? 0 : value;
  }

  private static JsonObject json(Object value) {
    if (value == null) {
      return null;
    }
    return value instanceof JsonObject json ? json : new JsonObject(String.valueOf(value));
  }
}
