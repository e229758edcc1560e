package dev.arkloop.api.gateway;

import dev.arkloop.api.auth.IpRules;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.db.Pools;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.redis.RedisConnections;
import dev.arkloop.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway in front of the API nodes: finds the client address, applies the shared rate limit,
 * the risk score and the account's IP rules, then forwards through Vert.x's reverse proxy with
 * {@code X-Forwarded-For}, {@code X-Forwarded-Proto}, {@code X-Real-IP} and {@code X-Trace-Id}, and
 * writes one access-log entry per request. Bodies stream both ways (SSE, uploads) unbuffered.
 */
public final class GatewayVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);
  private final ArkloopConfig config;
  private final NodeEndpoints endpoints;
  private final GatewaySettings settings;
  private Pool pool;
  private Redis redis;
  private HttpClient client;
  private HttpServer server;
  private GatewayConfigStore configs;
  private ClientGuard guard;
  private IpRules ipRules;
  private AccessLog accessLog;
  private HttpProxy proxy;
  private GeoIp geoIp;
  private final CallerIdentity.Recent identities = new CallerIdentity.Recent();

  public GatewayVerticle(ArkloopConfig config, NodeEndpoints endpoints, GatewaySettings settings) {
    this.config = config;
    this.endpoints = endpoints;
    this.settings = settings;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, endpoints.database(), Math.min(4, config.infra().dbPoolSize()));
    redis = RedisConnections.pooled(vertx, endpoints.redisUrl());
    RedisKeys keys = new RedisKeys(config.infra().redisKeyPrefix());
    configs = new GatewayConfigStore(vertx, pool);
    guard = new ClientGuard(vertx, redis, keys, settings.ratePerSecond(), settings.burst());
    ipRules = new IpRules(pool);
    accessLog = new AccessLog(vertx, redis, keys, settings.accessLogMax());
    client = vertx.httpClientBuilder()
        .with(new HttpClientOptions().setKeepAlive(true).setIdleTimeout(0).setConnectTimeout(5_000))
        .with(new PoolOptions().setHttp1MaxSize(256))
        .build();
    proxy = HttpProxy.reverseProxy(client).origin(new Upstreams(settings.upstreams()));
    HttpServerOptions options = new HttpServerOptions().setHost(settings.listen().host())
        .setPort(settings.listen().port()).setIdleTimeout(0);
    Future<GeoIp> geo = settings.geoipDb() == null ? Future.succeededFuture() : GeoIp.open(vertx, settings.geoipDb());
    return geo.compose(opened -> {
          geoIp = opened;
          return configs.start();
        })
        .compose(v -> vertx.createHttpServer(options).requestHandler(this::handle).listen())
        .onSuccess(listening -> {
          server = listening;
          LOG.info("gateway listening [address: {}:{}, upstreams: {}]", settings.listen().host(),
              listening.actualPort(), settings.upstreams());
        });
  }

  @Override
  public Future<?> stop() {
    configs.stop();
    if (geoIp != null) {
      geoIp.close();
    }
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(accessLog::flush)
        .eventually(() -> Future.all(client.close(), pool.close(), redis.close()));
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void handle(HttpServerRequest request) {
    request.pause();
    long started = System.nanoTime();
    GatewayConfigStore.Config current = configs.current();
    String socketIp = request.remoteAddress() == null ? "unknown" : request.remoteAddress().host();
    String clientIp = ClientAddress.resolve(current, socketIp, request.headers());
    String userAgent = request.getHeader("User-Agent");
    String uaClass = RequestRisk.userAgentClass(userAgent);
    CallerIdentity identity = identities.of(request.getHeader("Authorization"));
    String traceId = Ids.newTraceId();
    GeoIp.Place place = geoIp == null ? GeoIp.Place.UNKNOWN : geoIp.locate(clientIp);
    JsonObject entry = new JsonObject().put(AccessLog.EPOCH_MILLIS, System.currentTimeMillis()).put("trace_id", traceId)
        .put("method", request.method().name()).put("path", request.path()).put("client_ip", clientIp)
        .put("country", place.country()).put("city", place.city()).put("user_agent", userAgent == null ? "" : userAgent)
        .put("ua_type", uaClass).put("identity_type", identity.type())
        .put("org_id", identity.orgId() == null ? null : identity.orgId().toString())
        .put("user_id", identity.userId() == null ? null : identity.userId().toString()).putNull("username");
    logWhenDone(request, entry, started, clientIp);
    guard.admit(clientIp)
        .compose(verdict -> {
          double risk = RequestRisk.score(userAgent, uaClass, verdict.authFailures(), verdict.rateLimitHits());
          entry.put("risk_score", risk);
          if (!verdict.allowed()) {
            return Future.failedFuture(new ApiException(429, "rate_limit", "too many requests from this address",
                new JsonObject().put("reason", "requests")));
          }
          if (risk > current.riskRejectThreshold()) {
            return Future.failedFuture(new ApiException(403, "policy.denied", "request refused by the gateway",
                new JsonObject().put("reason", "risk").put("risk_score", risk)));
          }
          return identity.orgId() == null ? Future.succeededFuture() : ipRules.check(identity.orgId(), clientIp);
        })
        .onSuccess(v -> forward(request, clientIp, traceId))
        .onFailure(e -> reject(request, traceId, e));
  }

  private void forward(HttpServerRequest request, String clientIp, String traceId) {
    request.headers().set("X-Forwarded-For", clientIp);
    request.headers().set("X-Real-IP", clientIp);
    request.headers().set("X-Forwarded-Proto", request.isSSL() ? "https" : "http");
    request.headers().set("X-Trace-Id", traceId);
    proxy.handle(request);
  }

  private void reject(HttpServerRequest request, String traceId, Throwable failure) {
    ApiException error = failure instanceof ApiException api ? api
        : new ApiException(503, "internal_error", "the gateway cannot check this request now");
    if (!(failure instanceof ApiException)) {
      LOG.warn("gateway check failed [trace: {}]: {}", traceId, failure.toString());
    }
    HttpServerResponse response = request.response().setStatusCode(error.status())
        .putHeader("Content-Type", "application/json; charset=utf-8").putHeader("X-Trace-Id", traceId);
    if (error.status() == 429) {
      response.putHeader("Retry-After", "1");
    }
    JsonObject body = new JsonObject().put("error", error.code()).put("code", error.code())
        .put("message", error.getMessage()).put("trace_id", traceId);
    if (error.details() != null) {
      body.put("details", error.details());
    }
    request.resume();
    response.end(body.encode());
  }

  private void logWhenDone(HttpServerRequest request, JsonObject entry, long started, String clientIp) {
    AtomicBoolean logged = new AtomicBoolean();
    Runnable log = () -> {
      if (logged.compareAndSet(false, true)) {
        HttpServerResponse response = request.response();
        int status = response.getStatusCode();
        String apiTrace = response.headers().get("X-Trace-Id");
        if (apiTrace != null) {
          entry.put("trace_id", apiTrace);
        }
        entry.put("status_code", status).put("duration_ms", (System.nanoTime() - started) / 1_000_000);
        if (!entry.containsKey("risk_score")) {
          entry.put("risk_score", 0.0);
        }
        if (status == 401) {
          guard.authFailed(clientIp);
        }
        accessLog.append(entry);
      }
    };
    request.response().endHandler(v -> log.run());
    request.response().closeHandler(v -> log.run());
  }
}
