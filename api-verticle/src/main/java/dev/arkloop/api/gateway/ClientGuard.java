package dev.arkloop.api.gateway;

import dev.arkloop.common.redis.RedisKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Per client address, in Redis so every gateway node shares it: a token bucket (refilled at
 * {@code rate} per second up to {@code burst}, clocked by Redis' own TIME so nodes agree), plus the
 * counters the risk score reads. One script call per request, by its SHA-1 ({@code EVALSHA}), so the
 * script's text crosses the wire only when Redis does not have it yet; the calls of the requests that
 * arrive in one event-loop turn go to Redis as one pipelined batch. An instance is confined to its
 * verticle's event loop.
 */
final class ClientGuard {
  /** KEYS: bucket, rate-limit hits, auth failures. ARGV: rate per second, burst. */
  private static final String SCRIPT = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local rate = tonumber(ARGV[1])
      local burst = tonumber(ARGV[2])
      local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
      local tokens = tonumber(state[1])
      local at = tonumber(state[2])
      if tokens == nil then tokens = burst; at = now end
      tokens = math.min(burst, tokens + (now - at) * rate / 1000)
      local allowed = 0
      if tokens >= 1 then
        tokens = tokens - 1
        allowed = 1
      else
        redis.call('INCR', KEYS[2])
        redis.call('EXPIRE', KEYS[2], 60)
      end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
      redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
      return {allowed, tonumber(redis.call('GET', KEYS[2]) or '0'), tonumber(redis.call('GET', KEYS[3]) or '0')}
      """;
  private static final String SCRIPT_SHA = sha1Hex(SCRIPT);

  /** What the guard saw of one request's client. */
  record Verdict(boolean allowed, long rateLimitHits, long authFailures) {}

  private final Redis redis;
  private final RedisKeys keys;
  private final int ratePerSecond;
  private final int burst;
  private final Vertx vertx;
  private List<Waiting> queued = new ArrayList<>();

  private record Waiting(String clientIp, Promise<Response> reply) {}

  ClientGuard(Vertx vertx, Redis redis, RedisKeys keys, int ratePerSecond, int burst) {
    this.vertx = vertx;
    this.redis = redis;
    this.keys = keys;
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
  }

  Future<Verdict> admit(String clientIp) {
    Promise<Response> reply = Promise.promise();
    queued.add(new Waiting(clientIp, reply));
    if (queued.size() == 1) {
      vertx.runOnContext(v -> sendQueued());
    }
    return reply.future()
        .map(r -> new Verdict(r.get(0).toInteger() == 1, number(r.get(1)), number(r.get(2))));
  }

  private void sendQueued() {
    List<Waiting> batch = queued;
    queued = new ArrayList<>();
    List<Request> calls = batch.stream().map(waiting -> script(waiting.clientIp())).toList();
    redis.batch(calls)
        .recover(e -> e.getMessage() != null && e.getMessage().contains("NOSCRIPT")
            ? redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT)).compose(loaded -> redis.batch(calls))
            : Future.failedFuture(e))
        .onSuccess(replies -> {
          for (int i = 0; i < batch.size(); i++) {
            batch.get(i).reply().complete(replies.get(i));
          }
        })
        .onFailure(e -> batch.forEach(waiting -> waiting.reply().fail(e)));
  }

  private Request script(String clientIp) {
    return Request.cmd(Command.EVALSHA).arg(SCRIPT_SHA).arg(3)
        .arg(keys.key("gw", "bucket", clientIp)).arg(keys.key("gw", "limited", clientIp))
        .arg(keys.key("gw", "authfail", clientIp))
        .arg(ratePerSecond).arg(burst);
  }

  private static String sha1Hex(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts a 401 answered to the address (kept 5 minutes). */
  void authFailed(String clientIp) {
    String key = keys.key("gw", "authfail", clientIp);
    redis.send(Request.cmd(Command.INCR).arg(key))
        .compose(v -> redis.send(Request.cmd(Command.EXPIRE).arg(key).arg(300)));
  }

  private static long number(Response response) {
    return response == null ? 0 : response.toLong();
  }
}
