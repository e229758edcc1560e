package dev.arkloop.common.runs;

import dev.arkloop.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * The fast path of run events: a Redis stream per run with entry ids {@code <seq>-0} (so an id is
 * written once, and a range read by seq is a range read by id), plus a pub/sub message per batch that
 * wakes the API nodes tailing the run. Redis may lose either; readers fill gaps from PostgreSQL.
 */
public final class RunStreams {
  /** How long a finished run's stream stays for late replays before PostgreSQL serves them alone. */
  public static final int FINISHED_TTL_SECONDS = 600;
  /** Bound on a live stream's length; older entries are served from PostgreSQL. */
  public static final int MAX_LEN = 10_000;

  private final Redis redis;
  private final RedisKeys keys;

  public RunStreams(Redis redis, RedisKeys keys) {
    this.redis = redis;
    this.keys = keys;
  }

  public String streamKey(UUID runId) {
    return keys.key("run", runId.toString(), "events");
  }

  public String channel(UUID runId) {
    return keys.key("run", runId.toString(), "live");
  }

  /** Adds the events to the stream and announces them, in one pipeline. Events of one run, in order. */
  public Future<Void> publish(List<RunEvent> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    UUID runId = events.get(0).runId();
    String key = streamKey(runId);
    List<Request> batch = new ArrayList<>(events.size() + 2);
    StringJoiner announced = new StringJoiner(",", "[", "]");
    for (RunEvent event : events) {
      String stored = event.toStoredJson();
      batch.add(Request.cmd(Command.XADD).arg(key).arg("MAXLEN").arg("~").arg(MAX_LEN)
          .arg(event.seq() + "-0").arg("e").arg(stored));
      announced.add(stored);
    }
    batch.add(Request.cmd(Command.PUBLISH).arg(channel(runId)).arg(announced.toString()));
    if (events.get(events.size() - 1).terminal()) {
      batch.add(Request.cmd(Command.EXPIRE).arg(key).arg(FINISHED_TTL_SECONDS));
    }
    // An entry id at or below the stream's top (a re-publish after a takeover) is refused by Redis
    // and needs no retry: batch failures of that kind are ignored by the caller.
    return redis.batch(batch).mapEmpty();
  }

  /**
   * Events with {@code seq > afterSeq} from the stream, or null when the stream does not hold that
   * range (expired, trimmed, or Redis lost it): the caller then reads PostgreSQL.
   */
  public Future<List<RunEvent>> range(UUID runId, long afterSeq, int count) {
    return redis.send(Request.cmd(Command.XRANGE).arg(streamKey(runId)).arg((afterSeq + 1) + "-0").arg("+")
            .arg("COUNT").arg(count))
        .map(reply -> {
          List<RunEvent> events = new ArrayList<>();
          if (reply != null) {
            for (Response entry : reply) {
              Response fields = entry.get(1);
              events.add(RunEvent.fromStored(new JsonObject(fields.get(1).toString())));
            }
          }
          // any hole (entries lost while Redis was away, or trimmed) sends the reader to PostgreSQL
          for (int i = 0; i < events.size(); i++) {
            if (events.get(i).seq() != afterSeq + 1 + i) {
              return null;
            }
          }
          return events;
        });
  }

  /** Decodes a pub/sub announcement. */
  public static List<RunEvent> decodeAnnouncement(String payload) {
    JsonArray array = new JsonArray(payload);
    List<RunEvent> events = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      events.add(RunEvent.fromStored(array.getJsonObject(i)));
    }
    return events;
  }
}
