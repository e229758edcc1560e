package dev.arkloop.api.runs;

import dev.arkloop.common.runs.RunEvent;
import dev.arkloop.common.runs.RunEventLog;
import dev.arkloop.common.runs.RunStreams;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;

/**
 * Reads a range of a run's events: from the Redis stream while it holds the range, from PostgreSQL
 * otherwise (stream expired, trimmed, or Redis down).
 */
final class EventFetcher {
  private final RunStreams streams;
  private final Pool pool;

  EventFetcher(RunStreams streams, Pool pool) {
    this.streams = streams;
    this.pool = pool;
  }

  /**
   * Events after {@code afterSeq}, at most {@code limit}. An empty answer from Redis is believed only
   * when {@code trustEmptyStream} (live polling); a replay confirms it against PostgreSQL.
   */
  Future<List<RunEvent>> after(UUID runId, long afterSeq, int limit, boolean trustEmptyStream) {
    return streams.range(runId, afterSeq, limit)
        .recover(redisDown -> Future.succeededFuture(null))
        .compose(fromRedis -> {
          if (fromRedis != null && (!fromRedis.isEmpty() || trustEmptyStream)) {
            return Future.succeededFuture(fromRedis);
          }
          return RunEventLog.read(pool, runId, afterSeq, limit);
        });
  }
}
