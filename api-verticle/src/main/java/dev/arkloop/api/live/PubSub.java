package dev.arkloop.api.live;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONE Redis pub/sub connection for an API verticle, whatever it listens to (run tails, users'
 * notifications): channels are subscribed while someone here listens to them. The connection is
 * re-established with backoff when Redis goes away; listeners registered with {@link #onReconnect}
 * then catch up on what they may have missed. All calls happen on the verticle's event loop.
 */
public final class PubSub {
  private static final Logger LOG = LoggerFactory.getLogger(PubSub.class);
  private final Vertx vertx;
  private final Redis client;
  private final Map<String, Consumer<String>> channels = new HashMap<>();
  private final List<Runnable> reconnectListeners = new ArrayList<>();
  private RedisConnection connection;
  private boolean connecting;
  private boolean closed;
  private long reconnectDelay = 100;

  public PubSub(Vertx vertx, String redisUrl) {
    this.vertx = vertx;
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
        .setPreferredProtocolVersion(ProtocolVersion.RESP2));
  }

  public Future<Void> start() {
    connect();
    return Future.succeededFuture();
  }

  public Future<Void> close() {
    closed = true;
    channels.clear();
    if (connection != null) {
      connection.close();
    }
    client.close();
    return Future.succeededFuture();
  }

  /** Runs after every (re)connection: messages may have been lost while the connection was down. */
  public void onReconnect(Runnable listener) {
    reconnectListeners.add(listener);
  }

  /** Delivers the channel's messages to {@code listener} (one listener per channel). */
  public void subscribe(String channel, Consumer<String> listener) {
    boolean fresh = channels.put(channel, listener) == null;
    if (fresh && connection != null) {
      connection.send(Request.cmd(Command.SUBSCRIBE).arg(channel))
          .onFailure(e -> LOG.warn("subscribe failed [channel: {}]: {}", channel, e.toString()));
    }
  }

  public void unsubscribe(String channel) {
    if (channels.remove(channel) != null && connection != null) {
      connection.send(Request.cmd(Command.UNSUBSCRIBE).arg(channel));
    }
  }

  public int channelCount() {
    return channels.size();
  }

  private void connect() {
    if (closed || connecting) {
      return;
    }
    connecting = true;
    client.connect().onComplete(result -> {
      connecting = false;
      if (result.failed()) {
        retry();
        return;
      }
      reconnectDelay = 100;
      connection = result.result();
      connection.handler(this::onMessage);
      connection.exceptionHandler(e -> lost());
      connection.endHandler(v -> lost());
      if (!channels.isEmpty()) {
        Request request = Request.cmd(Command.SUBSCRIBE);
        channels.keySet().forEach(request::arg);
        connection.send(request);
      }
      reconnectListeners.forEach(Runnable::run);
    });
  }

  private void lost() {
    if (connection != null && !closed) {
      connection = null;
      LOG.warn("Redis pub/sub connection lost; listeners poll until it is back");
      retry();
    }
  }

  private void retry() {
    if (closed) {
      return;
    }
    vertx.setTimer(reconnectDelay, t -> connect());
    reconnectDelay = Math.min(reconnectDelay * 2, 5_000);
  }

  private void onMessage(Response message) {
    if (message == null || (message.type() != ResponseType.MULTI && message.type() != ResponseType.PUSH)
        || message.size() < 3 || !"message".equals(message.get(0).toString())) {
      return;
    }
    Consumer<String> listener = channels.get(message.get(1).toString());
    if (listener != null) {
      try {
        listener.accept(message.get(2).toString());
      } catch (RuntimeException e) {
        LOG.warn("bad pub/sub message [channel: {}]: {}", message.get(1), e.toString());
      }
    }
  }
}
