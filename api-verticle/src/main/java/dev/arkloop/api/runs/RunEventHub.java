package dev.arkloop.api.runs;

import dev.arkloop.common.runs.RunStreams;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live run events for one API verticle: one {@link RunTail} per watched run, all fed by ONE Redis
 * pub/sub connection, whatever the number of SSE clients. The connection is re-established with
 * backoff when Redis goes away; tails then resync from the stream or PostgreSQL.
 */
public final class RunEventHub {
  private static final Logger LOG = LoggerFactory.getLogger(RunEventHub.class);
  private final Vertx vertx;
  private final RunStreams streams;
  private final EventFetcher fetcher;
  private final int batchLimit;
  private final Redis client;
  private final Map<UUID, RunTail> tails = new HashMap<>();
  private final Map<String, UUID> channels = new HashMap<>();
  private RedisConnection connection;
  private boolean connecting;
  private boolean closed;
  private long reconnectDelay = 100;

  RunEventHub(Vertx vertx, String redisUrl, RunStreams streams, EventFetcher fetcher, int batchLimit) {
    this.vertx = vertx;
    this.streams = streams;
    this.fetcher = fetcher;
    this.batchLimit = batchLimit;
    this.client = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl)
        .setPreferredProtocolVersion(ProtocolVersion.RESP2));
  }

  public Future<Void> start() {
    connect();
    return Future.succeededFuture();
  }

  public Future<Void> close() {
    closed = true;
    tails.values().forEach(RunTail::close);
    tails.clear();
    if (connection != null) {
      connection.close();
    }
    client.close();
    return Future.succeededFuture();
  }

  /** Starts listening for a run's events after {@code fromSeq}; call {@link #leave} when done. */
  RunTail join(UUID runId, long fromSeq, TailSubscriber subscriber) {
    RunTail tail = tails.get(runId);
    if (tail == null) {
      tail = new RunTail(vertx, runId, fromSeq, fetcher, batchLimit, () -> drop(runId), () -> {
        LOG.warn("run tail gave up after failing reads; its subscribers reconnect [run: {}]", runId);
        drop(runId);
      });
      tails.put(runId, tail);
      channels.put(streams.channel(runId), runId);
      subscribe(streams.channel(runId));
    }
    tail.subscribe(subscriber);
    return tail;
  }

  void leave(UUID runId, TailSubscriber subscriber) {
    RunTail tail = tails.get(runId);
    if (tail != null && tail.unsubscribe(subscriber)) {
      tail.close();
      drop(runId);
    }
  }

  int liveTails() {
    return tails.size();
  }

  private void drop(UUID runId) {
    tails.remove(runId);
    String channel = streams.channel(runId);
    channels.remove(channel);
    if (connection != null) {
      connection.send(Request.cmd(Command.UNSUBSCRIBE).arg(channel));
    }
  }

  private void subscribe(String channel) {
    if (connection != null) {
      connection.send(Request.cmd(Command.SUBSCRIBE).arg(channel))
          .onFailure(e -> LOG.warn("subscribe failed [channel: {}]: {}", channel, e.toString()));
    }
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
      tails.values().forEach(RunTail::resync);
    });
  }

  private void lost() {
    if (connection != null && !closed) {
      connection = null;
      LOG.warn("Redis pub/sub connection lost; tails poll until it is back");
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
    UUID runId = channels.get(message.get(1).toString());
    RunTail tail = runId == null ? null : tails.get(runId);
    if (tail != null) {
      try {
        tail.announced(RunStreams.decodeAnnouncement(message.get(2).toString()));
      } catch (RuntimeException e) {
        LOG.warn("bad announcement [run: {}]: {}", runId, e.toString());
      }
    }
  }

}
