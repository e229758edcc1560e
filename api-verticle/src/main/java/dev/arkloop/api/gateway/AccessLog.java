package dev.arkloop.api.gateway;

import dev.arkloop.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's access log: one entry per request in a Redis stream capped near
 * {@code ARKLOOP_ACCESS_LOG_MAX} entries (approximate trimming, which Redis does cheaply). The
 * entry's stream id is its id and its paging cursor. The gateway's appends are sent in batches (one
 * pipelined round trip per {@value #FLUSH_AT} entries or {@value #FLUSH_AFTER_MILLIS} ms), so logging
 * costs a request next to nothing; an instance that appends is confined to its verticle's event loop.
 */
public final class AccessLog {
  private static final Logger LOG = LoggerFactory.getLogger(AccessLog.class);
  /** Entries read per scan step, and at most this many steps per page, so a rare filter stays bounded. */
  private static final int SCAN_BATCH = 500;
  private static final int MAX_SCAN_STEPS = 20;
  static final int FLUSH_AT = 64;
  static final long FLUSH_AFTER_MILLIS = 20;
  /**
   * The entry's time as the gateway writes it (epoch milliseconds, which cost nothing to take);
   * a reader sees it as {@code timestamp}, RFC 3339.
   */
  static final String EPOCH_MILLIS = "ts";
  /** Jackson's streaming encoder, without the data-binding layer the default codec goes through. */
  private static final JacksonCodec ENCODER = new JacksonCodec();

  private final Redis redis;
  private final String key;
  private final long maxEntries;
  private final Vertx vertx;
  private List<Request> pending = new ArrayList<>();
  private long flushTimer = -1;

  /** A reader of the log. */
  public AccessLog(Redis redis, RedisKeys keys) {
    this(null, redis, keys, 0);
  }

  /** A writer (and reader) of the log, trimming it near {@code maxEntries}. */
  AccessLog(Vertx vertx, Redis redis, RedisKeys keys, long maxEntries) {
    this.vertx = vertx;
    this.redis = redis;
    this.key = keys.key("gw", "access_log");
    this.maxEntries = maxEntries;
  }

  /** Queues an entry for the next batch; failures are logged, never surfaced to the request. */
  void append(JsonObject entry) {
    pending.add(Request.cmd(Command.XADD).arg(key).arg("MAXLEN").arg("~").arg(maxEntries).arg("*")
        .arg("e").arg(ENCODER.toBuffer(entry, false)));
    if (pending.size() >= FLUSH_AT) {
      flush();
    } else if (flushTimer == -1) {
      flushTimer = vertx.setTimer(FLUSH_AFTER_MILLIS, id -> {
        flushTimer = -1;
        flush();
      });
    }
  }

  /** Sends what is queued. */
  Future<Void> flush() {
    if (flushTimer != -1) {
      vertx.cancelTimer(flushTimer);
      flushTimer = -1;
    }
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Request> batch = pending;
    pending = new ArrayList<>();
    return redis.batch(batch)
        .onFailure(e -> LOG.debug("{} access log entries not written: {}", batch.size(), e.toString()))
        .<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  /** One page of entries, newest first, older than {@code before} (a stream id) and matching. */
  public Future<JsonObject> page(String before, int limit, Predicate<JsonObject> filter) {
    JsonArray data = new JsonArray();
    return scan(before == null ? "+" : "(" + before, limit, filter, data, 0)
        .map(resume -> new JsonObject().put("data", data).put("has_more", resume != null).put("next_before", resume));
  }

  /** Fills {@code data}; the cursor to go on from, or null at the stream's start. */
  private Future<String> scan(String end, int limit, Predicate<JsonObject> filter, JsonArray data, int step) {
    return redis.send(Request.cmd(Command.XREVRANGE).arg(key).arg(end).arg("-").arg("COUNT").arg(SCAN_BATCH))
        .compose(reply -> {
          String last = null;
          int seen = reply == null ? 0 : reply.size();
          for (int i = 0; i < seen; i++) {
            Response item = reply.get(i);
            last = item.get(0).toString();
            JsonObject entry = decode(last, item.get(1));
            if (entry != null && filter.test(entry)) {
              if (data.size() == limit) {
                return Future.succeededFuture(data.getJsonObject(limit - 1).getString("id"));
              }
              data.add(entry);
            }
          }
          if (seen < SCAN_BATCH) {
            return Future.succeededFuture(null);
          }
          if (step + 1 >= MAX_SCAN_STEPS) {
            return Future.succeededFuture(last); // scanned enough for one page: go on from here next time
          }
          return scan("(" + last, limit, filter, data, step + 1);
        });
  }

  private static JsonObject decode(String id, Response fields) {
    for (int i = 0; i + 1 < fields.size(); i += 2) {
      if (fields.get(i).toString().equals("e")) {
        try {
          JsonObject entry = new JsonObject(fields.get(i + 1).toString()).put("id", id);
          Object millis = entry.remove(EPOCH_MILLIS);
          if (millis instanceof Number number) {
            entry.put("timestamp", Instant.ofEpochMilli(number.longValue()).toString());
          }
          return entry;
        } catch (RuntimeException e) {
          return null;
        }
      }
    }
    return null;
  }
}
