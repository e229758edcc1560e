package dev.arkloop.api.runs;

import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.live.PubSub;
import dev.arkloop.common.runs.RunStreams;
import io.vertx.core.Future;

/** Builds the run endpoints and this verticle's live event hub. */
public final class RunsModule {
  private final RunEventHub hub;
  private final RunRoutes routes;
  private final RunRepository repository;
  private final RunCanceller canceller;

  public RunsModule(ApiContext api, PubSub pubSub, RunAdmission admission) {
    RunStreams streams = new RunStreams(api.redis(), api.keys());
    EventFetcher fetcher = new EventFetcher(streams, api.pool());
    var settings = api.config().runs();
    this.hub = new RunEventHub(api.vertx(), pubSub, streams, fetcher, settings.sseBatchLimit());
    this.repository = new RunRepository(api.pool(), admission, settings.maxAttempts());
    RunService service = new RunService(api.vertx(), repository, streams);
    this.routes = new RunRoutes(api.vertx(), repository, service, hub, fetcher, settings);
    this.canceller = new RunCanceller(repository, service);
  }

  public Future<Void> start() {
    return hub.start();
  }

  public Future<Void> stop() {
    return hub.close();
  }

  /** Cancels runs for the platform (suspension), whoever can see them. */
  public RunCanceller canceller() {
    return canceller;
  }

  public void mount(Routes router) {
    routes.mount(router);
  }
}
