package dev.arkloop.api;

import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.ConnectionGuard;
import dev.arkloop.api.http.InvalidRequestHandler;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.db.Pools;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.redis.OutageReportingRedis;
import dev.arkloop.common.redis.RedisConnections;
import dev.arkloop.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

/** Serves the HTTP API. Only wires things: the routes live in one class per resource. */
public final class ApiVerticle extends VerticleBase {
  private final ArkloopConfig config;
  private final NodeEndpoints endpoints;
  private HttpServer server;
  private Pool pool;
  private Redis redis;
  private ApiModules modules;
  private Router router;

  public ApiVerticle(ArkloopConfig config, NodeEndpoints endpoints) {
    this.config = config;
    this.endpoints = endpoints;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, endpoints.database(), config.infra().dbPoolSize());
    redis = new OutageReportingRedis(RedisConnections.pooled(vertx, endpoints.redisUrl()));
    ApiContext api = new ApiContext(vertx, config, endpoints, pool, redis, new RedisKeys(config.infra().redisKeyPrefix()));
    HttpServerOptions options = new HttpServerOptions()
        .setHost(config.http().listen().host())
        .setPort(config.http().listen().port())
        .setCompressionSupported(true)
        // no h2c: with it Vert.x builds a connection's HTTP/1 pipeline only after its first request,
        // too late for the connection guard to time that request's headers
        .setHttp2ClearTextEnabled(false)
        .setIdleTimeout(0);
    modules = new ApiModules(api);
    return modules.start()
        .compose(v -> {
          router = ApiRouter.build(api, modules);
          return vertx.createHttpServer(options)
              .invalidRequestHandler(new InvalidRequestHandler())
              .connectionHandler(ConnectionGuard.installer(vertx, config.http()))
              .requestHandler(router).listen();
        })
        .onSuccess(listening -> server = listening);
  }

  @Override
  public Future<?> stop() {
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return closed.eventually(() -> Future.all(modules.stop(), pool.close(), redis.close()));
  }

  /** The router as built (tests walk it to compare with the served contract). */
  Router router() {
    return router;
  }

  /** The port the server listens on (useful when configured with port 0). */
  public int actualPort() {
    return server.actualPort();
  }
}
