package dev.arkloop.api.gateway;

import dev.arkloop.api.auth.Cidr;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway configuration admins change ({@code gateway_config}): kept in memory by every gateway
 * node and reloaded when any node publishes {@link #CHANGED}, and every 30 s in case a message was
 * missed.
 */
public final class GatewayConfigStore {
  public static final String CHANGED = "arkloop.gateway.config.changed";
  private static final Logger LOG = LoggerFactory.getLogger(GatewayConfigStore.class);
  private static final long RELOAD_MILLIS = 30_000;

  /** One configuration. {@code trusted} are the parsed {@code trustedCidrs}. */
  public record Config(String ipMode, List<String> trustedCidrs, List<Cidr> trusted, double riskRejectThreshold) {
    public static final Config DEFAULT = new Config("direct", List.of(), List.of(), 1.0);

    public JsonObject toJson() {
      return new JsonObject().put("ip_mode", ipMode).put("trusted_cidrs", new JsonArray(trustedCidrs))
          .put("risk_reject_threshold", riskRejectThreshold);
    }

    static Config of(String ipMode, List<String> cidrs, double threshold) {
      return new Config(ipMode, List.copyOf(cidrs), cidrs.stream().map(Cidr::parse)
          .filter(java.util.Objects::nonNull).toList(), threshold);
    }
  }

  private final Vertx vertx;
  private final Pool pool;
  private volatile Config current = Config.DEFAULT;
  private long timer = -1;

  public GatewayConfigStore(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Loads the configuration and follows its changes. */
  public Future<Config> start() {
    vertx.eventBus().consumer(CHANGED, message -> reload());
    timer = vertx.setPeriodic(RELOAD_MILLIS, id -> reload());
    return load();
  }

  public void stop() {
    vertx.cancelTimer(timer);
  }

  public Config current() {
    return current;
  }

  public Future<Config> load() {
    return pool.query("SELECT ip_mode, trusted_cidrs, risk_reject_threshold FROM gateway_config WHERE id").execute()
        .map(rows -> rows.size() == 0 ? Config.DEFAULT : fromRow(rows.iterator().next()))
        .onSuccess(config -> current = config);
  }

  /** Stores a configuration and tells every node. */
  public Future<Config> save(Config config) {
    return pool.preparedQuery("""
            INSERT INTO gateway_config (id, ip_mode, trusted_cidrs, risk_reject_threshold) VALUES (true, $1, $2, $3)
            ON CONFLICT (id) DO UPDATE SET ip_mode = $1, trusted_cidrs = $2, risk_reject_threshold = $3,
              updated_at = now()""")
        .execute(Tuple.of(config.ipMode(), config.trustedCidrs().toArray(String[]::new),
            config.riskRejectThreshold()))
        .map(v -> {
          current = config;
          vertx.eventBus().publish(CHANGED, new JsonObject());
          return config;
        });
  }

  private void reload() {
    load().onFailure(e -> LOG.warn("gateway configuration not reloaded: {}", e.toString()));
  }

  private static Config fromRow(Row row) {
    List<String> cidrs = new ArrayList<>(Arrays.asList(row.getArrayOfStrings("trusted_cidrs")));
    return Config.of(row.getString("ip_mode"), cidrs, row.getDouble("risk_reject_threshold"));
  }
}
