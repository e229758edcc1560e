package dev.arkloop.worker;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.db.Pools;
import dev.arkloop.common.infra.NodeEndpoints;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs jobs: the agent loop of runs, and the outbox jobs. */
public final class RunWorkerVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(RunWorkerVerticle.class);
  private final ArkloopConfig config;
  private final NodeEndpoints endpoints;
  private Pool pool;

  public RunWorkerVerticle(ArkloopConfig config, NodeEndpoints endpoints) {
    this.config = config;
    this.endpoints = endpoints;
  }

  @Override
  public Future<?> start() {
    pool = Pools.create(vertx, endpoints.database(), config.infra().dbPoolSize());
    return pool.query("SELECT 1").execute()
        .onSuccess(ok -> LOG.info("run worker started [role: {}]", config.role().label()));
  }

  @Override
  public Future<?> stop() {
    return pool.close();
  }
}
