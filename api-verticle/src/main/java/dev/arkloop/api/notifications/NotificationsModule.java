package dev.arkloop.api.notifications;

import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.live.PubSub;
import dev.arkloop.common.notifications.NotificationChannels;
import dev.arkloop.common.notifications.Notifications;
import io.vertx.core.Future;

/** Notifications, their live stream and broadcasts, for one API verticle. */
public final class NotificationsModule implements Resource {
  private final ApiContext api;
  private final NotificationChannels channels;
  private final NotificationRepository repository;
  private final NotificationHub hub;

  public NotificationsModule(ApiContext api, PubSub pubSub) {
    this.api = api;
    this.channels = new NotificationChannels(api.redis(), api.keys());
    this.repository = new NotificationRepository(api.pool());
    this.hub = new NotificationHub(api.vertx(), pubSub, channels, repository);
  }

  /** The producer other resources use to notify users inside their own transactions. */
  public Notifications producer() {
    return new Notifications(channels);
  }

  @Override
  public void mount(Routes routes) {
    var runs = api.config().runs();
    new NotificationRoutes(repository, hub, runs.sseBatchLimit(), runs.sseHeartbeatSeconds()).mount(routes);
    new BroadcastRoutes(api.vertx(), new BroadcastRepository(api.pool())).mount(routes);
  }

  public Future<Void> stop() {
    hub.close();
    return Future.succeededFuture();
  }
}
