package dev.arkloop.common.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ExpiringCacheTest {
  private final AtomicInteger loads = new AtomicInteger();

  private Future<String> load(String value) {
    loads.incrementAndGet();
    return Future.succeededFuture(value);
  }

  @Test
  void aValueIsLoadedOnceUntilForgotten() {
    ExpiringCache<String, String> cache = new ExpiringCache<>(60_000, 10);
    assertEquals("a", cache.get("k", () -> load("a")).result());
    assertEquals("a", cache.get("k", () -> load("b")).result());
    assertEquals(1, loads.get());
    cache.forget("k");
    assertEquals("b", cache.get("k", () -> load("b")).result());
    cache.clear();
    assertEquals("c", cache.get("k", () -> load("c")).result());
    assertEquals(3, loads.get());
  }

  @Test
  void noneIsRememberedToo() {
    ExpiringCache<String, String> cache = new ExpiringCache<>(60_000, 10);
    assertNull(cache.get("k", () -> load(null)).result());
    assertNull(cache.get("k", () -> load("late")).result());
    assertEquals(1, loads.get());
  }

  @Test
  void aLoadUnderWayWhenForgottenIsHandedOutButNotKept() {
    ExpiringCache<String, String> cache = new ExpiringCache<>(60_000, 10);
    Promise<String> slow = Promise.promise();
    Future<String> first = cache.get("k", () -> slow.future());
    cache.forget("other");
    slow.complete("stale");
    assertEquals("stale", first.result());
    assertEquals("fresh", cache.get("k", () -> load("fresh")).result());
  }

  @Test
  void aValueThatStopsHoldingIsNotKeptPastIt() {
    ExpiringCache<String, String> cache = new ExpiringCache<>(60_000, 10);
    long past = System.currentTimeMillis() - 1;
    assertEquals("a", cache.get("k", () -> load("a"), value -> past).result());
    assertEquals("b", cache.get("k", () -> load("b"), value -> Long.MAX_VALUE).result());
    assertEquals("b", cache.get("k", () -> load("c")).result());
    assertEquals(2, loads.get());
  }
}
