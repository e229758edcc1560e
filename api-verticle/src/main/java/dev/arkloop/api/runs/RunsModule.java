package dev.arkloop.api.runs;

import dev.arkloop.api.ApiContext;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.runs.RunStreams;
import io.vertx.core.Future;

/** Builds the run endpoints and this verticle's live event hub. */
public final class RunsModule {
  private final RunEventHub hub;
  private final RunRoutes routes;

  public RunsModule(ApiContext api, RunAdmission admission) {
    RunStreams streams = new RunStreams(api.redis(), api.keys());
    EventFetcher fetcher = new EventFetcher(streams, api.pool());
    var settings = api.config().runs();
    this.hub = new RunEventHub(api.vertx(), api.endpoints().redisUrl(), streams, fetcher, settings.sseBatchLimit());
    this.routes = new RunRoutes(api.vertx(), new RunRepository(api.pool(), admission,
        settings.maxAttempts()), streams, hub, fetcher, settings);
  }

  public Future<Void> start() {
    return hub.start();
  }

  public Future<Void> stop() {
    return hub.close();
  }

  public void mount(Routes router) {
    routes.mount(router);
  }
}
