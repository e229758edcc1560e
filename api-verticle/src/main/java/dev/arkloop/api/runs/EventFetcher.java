package dev.arkloop.api.runs;

import dev.arkloop.common.runs.RunEvent;
import dev.arkloop.common.runs.RunEventLog;
import dev.arkloop.common.runs.RunStreams;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Reads a range of a run's events: from the Redis stream while it holds the range, from PostgreSQL
 * otherwise (stream expired, trimmed, or Redis down). The stream is written after PostgreSQL commits,
 * so it may lag: each kind of reader says which Redis answers it can believe.
 */
final class EventFetcher {
  /** A Redis read slower than this is given up for PostgreSQL. */
  static final long REDIS_DEADLINE_MS = 3_000;
  /** A PostgreSQL read slower than this fails, so a reader never waits on a database that went away. */
  static final long DATABASE_DEADLINE_MS = 10_000;
  private final RunStreams streams;
  private final Pool pool;

  EventFetcher(RunStreams streams, Pool pool) {
    this.streams = streams;
    this.pool = pool;
  }

  /** For a live tail: anything Redis holds, even nothing (later events arrive by pub/sub). */
  Future<List<RunEvent>> live(UUID runId, long afterSeq, int limit) {
    return after(runId, afterSeq, limit, fromRedis -> true);
  }

  /** For a replay of a running run: an empty stream is confirmed against PostgreSQL. */
  Future<List<RunEvent>> replay(UUID runId, long afterSeq, int limit) {
    return after(runId, afterSeq, limit, fromRedis -> !fromRedis.isEmpty());
  }

  /**
   * For a replay of a finished run, which ends with the last batch: Redis is believed only for a full
   * batch or one that reaches the terminal event, since the terminal event's publish may still be in
   * flight although PostgreSQL already holds it.
   */
  Future<List<RunEvent>> finished(UUID runId, long afterSeq, int limit) {
    return after(runId, afterSeq, limit, fromRedis -> fromRedis.size() >= limit
        || (!fromRedis.isEmpty() && fromRedis.get(fromRedis.size() - 1).terminal()));
  }

  private Future<List<RunEvent>> after(UUID runId, long afterSeq, int limit, Predicate<List<RunEvent>> believe) {
    return streams.range(runId, afterSeq, limit)
        .timeout(REDIS_DEADLINE_MS, TimeUnit.MILLISECONDS)
        .recover(redisDown -> Future.succeededFuture(null))
        .compose(fromRedis -> fromRedis != null && believe.test(fromRedis) ? Future.succeededFuture(fromRedis)
            : RunEventLog.read(pool, runId, afterSeq, limit).timeout(DATABASE_DEADLINE_MS, TimeUnit.MILLISECONDS));
  }
}
