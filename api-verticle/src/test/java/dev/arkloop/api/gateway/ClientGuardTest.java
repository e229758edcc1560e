package dev.arkloop.api.gateway;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.Await.onContext;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.redis.RedisConnections;
import dev.arkloop.common.redis.RedisKeys;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The gateway's rate limit on a real Redis, each guard on its own event loop and Redis connection as
 * on separate gateway nodes: a quiet address pays one script call per request, a busy one takes
 * tokens in leases, and no lease lets the nodes together admit more than the shared bucket holds.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ClientGuardTest {
  private static final Pattern EVALSHA_CALLS = Pattern.compile("cmdstat_evalsha:calls=(\\d+)");
  private RedisKeys keys;

  @BeforeEach
  void prefix() {
    keys = new RedisKeys(TestInfra.get().newKeyPrefix());
  }

  /** A guard on a context of its own, as a gateway verticle holds it. */
  private record Node(Context context, ClientGuard guard) {
    ClientGuard.Verdict admit(String clientIp) {
      return await(onContext(context, () -> guard.admit(clientIp)));
    }
  }

  private Node node(Vertx vertx, int rate, int burst) {
    Context context = vertx.getOrCreateContext();
    Redis redis = RedisConnections.pooled(vertx, TestInfra.get().redisUrl());
    return new Node(context, new ClientGuard(vertx, redis, keys, rate, burst));
  }

  private static long scriptCalls(Vertx vertx) {
    Redis redis = RedisConnections.pooled(vertx, TestInfra.get().redisUrl());
    String info = await(redis.send(Request.cmd(Command.INFO).arg("commandstats"))).toString();
    Matcher calls = EVALSHA_CALLS.matcher(info);
    return calls.find() ? Long.parseLong(calls.group(1)) : 0;
  }

  @Test
  void aQuietAddressAsksForOneTokenPerRequestAndARefusalCountsAsAHit(Vertx vertx) {
    Node node = node(vertx, 1, 2);
    node.admit("192.0.2.99"); // the script is loaded (a first EVALSHA may answer NOSCRIPT)
    long before = scriptCalls(vertx);
    assertTrue(node.admit("192.0.2.1").allowed());
    assertTrue(node.admit("192.0.2.1").allowed());
    ClientGuard.Verdict refused = node.admit("192.0.2.1");
    assertFalse(refused.allowed());
    assertEquals(1, refused.rateLimitHits());
    assertEquals(3, scriptCalls(vertx) - before, "one script call per request, no lease at 1 request/s");
  }

  @Test
  void aBusyAddressWithinItsLimitCostsFarFewerScriptCallsThanRequests(Vertx vertx) {
    Node node = node(vertx, 10_000, 10_000);
    node.admit("192.0.2.99");
    long before = scriptCalls(vertx);
    for (int i = 0; i < 500; i++) {
      assertTrue(node.admit("192.0.2.2").allowed());
    }
    long calls = scriptCalls(vertx) - before;
    assertTrue(calls <= 50, calls + " script calls for 500 requests");
  }

  @Test
  void twoNodesLeasingFromOneBucketNeverAdmitMoreThanItGrants(Vertx vertx) {
    int rate = 200;
    int burst = 100;
    Node a = node(vertx, rate, burst);
    Node b = node(vertx, rate, burst);
    int allowed = 0;
    int refusedByA = 0;
    int refusedByB = 0;
    long started = System.nanoTime();
    for (int i = 0; i < 600; i++) {
      boolean onA = i % 2 == 0;
      if ((onA ? a : b).admit("192.0.2.3").allowed()) {
        allowed++;
      } else if (onA) {
        refusedByA++;
      } else {
        refusedByB++;
      }
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    assertTrue(allowed <= burst + rate * seconds, "allowed " + allowed + " in " + seconds + " s");
    assertTrue(allowed >= burst / 2, "allowed " + allowed);
    assertTrue(refusedByA > 0 && refusedByB > 0, "A refused " + refusedByA + ", B refused " + refusedByB);
  }
}
