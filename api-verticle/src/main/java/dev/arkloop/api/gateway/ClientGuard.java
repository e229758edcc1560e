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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Per client address, in Redis so every gateway node shares it: a token bucket (refilled at
 * {@code rate} per second up to {@code burst}, clocked by Redis' own TIME so nodes agree), plus the
 * counters the risk score reads. Tokens are taken by a script called by its SHA-1 ({@code EVALSHA});
 * the calls of one event-loop turn go to Redis as one pipelined batch.
 *
 * <p>A quiet address costs one script call per request. A busy one would cost a Redis round trip
 * before every forward, so the node takes a few tokens more than the waiting requests need (a lease,
 * doubled each time the last one was spent within {@value #BUSY_MILLIS} ms, up to a tenth of a second
 * of the rate and at most {@value #MAX_EXTRA}) and spends them locally; unspent tokens lapse after
 * {@value #LEASE_MILLIS} ms. A node never admits more than the shared bucket granted; a client that
 * moves to another node can lose at most its last lease, and the risk counters a leased request reads
 * are at most that old. An instance is confined to its verticle's event loop.
 */
final class ClientGuard {
  /**
   * KEYS: bucket, rate-limit hits, auth failures. ARGV: rate per second, burst, requests waiting,
   * extra tokens wanted. Returns {tokens granted, hits, auth failures}; the waiting requests that got
   * no token count as rate-limit hits, the extra ones never do.
   */
  private static final String SCRIPT = """
      local t = redis.call('TIME')
      local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
      local rate = tonumber(ARGV[1])
      local burst = tonumber(ARGV[2])
      local need = tonumber(ARGV[3])
      local extra = tonumber(ARGV[4])
      local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
      local tokens = tonumber(state[1])
      local at = tonumber(state[2])
      if tokens == nil then tokens = burst; at = now end
      tokens = math.min(burst, tokens + (now - at) * rate / 1000)
      local granted = math.min(need + extra, math.floor(tokens))
      tokens = tokens - granted
      if granted < need then
        redis.call('INCRBY', KEYS[2], need - granted)
        redis.call('EXPIRE', KEYS[2], 60)
      end
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
      redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
      return {granted, tonumber(redis.call('GET', KEYS[2]) or '0'), tonumber(redis.call('GET', KEYS[3]) or '0')}
      """;
  private static final String SCRIPT_SHA = sha1Hex(SCRIPT);
  static final long LEASE_MILLIS = 1_000;
  static final long BUSY_MILLIS = 100;
  static final int MAX_EXTRA = 64;
  private static final int MAX_ADDRESSES = 10_000;

  /** What the guard saw of one request's client. */
  record Verdict(boolean allowed, long rateLimitHits, long authFailures) {}

  private final Redis redis;
  private final RedisKeys keys;
  private final int ratePerSecond;
  private final int burst;
  private final int maxExtra;
  private final Vertx vertx;
  private final Map<String, Lease> leases = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Lease> eldest) {
      return size() > MAX_ADDRESSES && eldest.getValue().waiting == null;
    }
  };
  private List<Lease> queued = new ArrayList<>();

  /** One address's tokens on this node, and the requests waiting for the script's answer. */
  private static final class Lease {
    final String clientIp;
    int tokens;
    long expiresAt;
    long fetchedAt;
    int extra;
    long rateLimitHits;
    long authFailures;
    List<Promise<Verdict>> waiting;

    Lease(String clientIp) {
      this.clientIp = clientIp;
      this.fetchedAt = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(LEASE_MILLIS);
    }
  }

  ClientGuard(Vertx vertx, Redis redis, RedisKeys keys, int ratePerSecond, int burst) {
    this.vertx = vertx;
    this.redis = redis;
    this.keys = keys;
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.maxExtra = Math.min(MAX_EXTRA, Math.min(ratePerSecond / 10, burst / 4));
  }

  Future<Verdict> admit(String clientIp) {
    Lease lease = leases.computeIfAbsent(clientIp, Lease::new);
    if (lease.waiting == null && lease.tokens > 0 && System.nanoTime() - lease.expiresAt < 0) {
      lease.tokens--;
      return Future.succeededFuture(new Verdict(true, lease.rateLimitHits, lease.authFailures));
    }
    Promise<Verdict> verdict = Promise.promise();
    if (lease.waiting == null) {
      lease.waiting = new ArrayList<>();
      fetch(lease);
    }
    lease.waiting.add(verdict);
    return verdict.future();
  }

  private void fetch(Lease lease) {
    queued.add(lease);
    if (queued.size() == 1) {
      vertx.runOnContext(v -> sendQueued());
    }
  }

  private void sendQueued() {
    List<Lease> batch = queued;
    queued = new ArrayList<>();
    long now = System.nanoTime();
    int[] need = new int[batch.size()];
    List<Request> calls = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Lease lease = batch.get(i);
      boolean busy = lease.tokens == 0 && now - lease.fetchedAt < TimeUnit.MILLISECONDS.toNanos(BUSY_MILLIS);
      lease.extra = busy ? Math.min(maxExtra, Math.max(1, lease.extra * 2)) : 0;
      lease.fetchedAt = now;
      need[i] = lease.waiting.size();
      calls.add(script(lease.clientIp, need[i], lease.extra));
    }
    redis.batch(calls)
        .recover(e -> e.getMessage() != null && e.getMessage().contains("NOSCRIPT")
            ? redis.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(SCRIPT)).compose(loaded -> redis.batch(calls))
            : Future.failedFuture(e))
        .onSuccess(replies -> {
          for (int i = 0; i < batch.size(); i++) {
            settle(batch.get(i), need[i], replies.get(i));
          }
        })
        .onFailure(e -> batch.forEach(lease -> {
          List<Promise<Verdict>> waiting = lease.waiting;
          lease.waiting = null;
          waiting.forEach(verdict -> verdict.fail(e));
        }));
  }

  /**
   * Hands the granted tokens to the waiting requests in order: of the {@code need} counted by the
   * script, those without a token are refused; later arrivals without one wait for the next call.
   */
  private void settle(Lease lease, int need, Response reply) {
    List<Promise<Verdict>> waiting = lease.waiting;
    lease.waiting = null;
    lease.tokens = (int) number(reply.get(0));
    lease.rateLimitHits = number(reply.get(1));
    lease.authFailures = number(reply.get(2));
    lease.expiresAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LEASE_MILLIS);
    for (int i = 0; i < waiting.size(); i++) {
      boolean allowed = lease.tokens > 0;
      if (!allowed && i >= need) {
        lease.waiting = new ArrayList<>(waiting.subList(i, waiting.size()));
        fetch(lease);
        return;
      }
      if (allowed) {
        lease.tokens--;
      }
      waiting.get(i).complete(new Verdict(allowed, lease.rateLimitHits, lease.authFailures));
    }
  }

  private Request script(String clientIp, int need, int extra) {
    return Request.cmd(Command.EVALSHA).arg(SCRIPT_SHA).arg(3)
        .arg(keys.key("gw", "bucket", clientIp)).arg(keys.key("gw", "limited", clientIp))
        .arg(keys.key("gw", "authfail", clientIp))
        .arg(ratePerSecond).arg(burst).arg(need).arg(extra);
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
    Lease lease = leases.get(clientIp);
    if (lease != null) {
      lease.authFailures++;
    }
    String key = keys.key("gw", "authfail", clientIp);
    redis.send(Request.cmd(Command.INCR).arg(key))
        .compose(v -> redis.send(Request.cmd(Command.EXPIRE).arg(key).arg(300)));
  }

  private static long number(Response response) {
    return response == null ? 0 : response.toLong();
  }
}
