package dev.arkloop.common.redis;

import dev.arkloop.common.error.DependencyUnavailableException;
import io.vertx.core.Future;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.impl.types.ErrorType;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A Redis client whose failures say whether Redis answered: an error reply stays as it is, anything
 * else (refused, reset, a connection closed under a command, which the client also reports as an
 * error reply, {@code CONNECTION_CLOSED}, or inside a batch as an error reply naming the exception) becomes a {@link DependencyUnavailableException}, so the
 * API can answer 503 {@code redis_unavailable} instead of a 500.
 */
public final class OutageReportingRedis implements Redis {
  private final Redis delegate;

  public OutageReportingRedis(Redis delegate) {
    this.delegate = delegate;
  }

  @Override
  public Future<RedisConnection> connect() {
    return delegate.connect().recover(OutageReportingRedis::classify);
  }

  @Override
  public Future<Void> close() {
    return delegate.close();
  }

  @Override
  public Future<Response> send(Request command) {
    return delegate.send(command).recover(OutageReportingRedis::classify);
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return delegate.batch(commands).recover(OutageReportingRedis::classify);
  }

  /** How the client reports a batch cut short: "ERR [index] CONNECTION_CLOSED", "ERR [index] java.net.SocketException: …". */
  private static final Pattern BATCH_TRANSPORT_FAILURE =
      Pattern.compile("^ERR \\[\\d+\\] (CONNECTION_CLOSED|java\\.|io\\.netty\\.|io\\.vertx\\.)");

  private static <T> Future<T> classify(Throwable failure) {
    boolean reply = failure instanceof ErrorType error && !"CONNECTION_CLOSED".equals(error.getMessage())
        && !BATCH_TRANSPORT_FAILURE.matcher(String.valueOf(error.getMessage())).find();
    if (reply || failure instanceof DependencyUnavailableException) {
      return Future.failedFuture(failure);
    }
    return Future.failedFuture(new DependencyUnavailableException(DependencyUnavailableException.REDIS, failure));
  }
}
