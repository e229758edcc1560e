package dev.arkloop.common.cache;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Values loaded on demand and kept for {@code ttlMillis} (or less, when a loaded value says it stops
 * holding sooner) or until they are forgotten. A load that was under way when anything was forgotten
 * is handed to its caller but not kept, so a value read before a change can never outlive the
 * change's announcement. Null values are kept too (as "none"). Meant for one verticle: loads and
 * invalidations happen on its event loop.
 */
public final class ExpiringCache<K, V> {
  private record Entry<V>(Optional<V> value, long expiresAtNanos) {}

  private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private final long ttlNanos;
  private final int maxEntries;

  public ExpiringCache(long ttlMillis, int maxEntries) {
    this.ttlNanos = ttlMillis * 1_000_000;
    this.maxEntries = maxEntries;
  }

  public Future<V> get(K key, Supplier<Future<V>> load) {
    return get(key, load, value -> Long.MAX_VALUE);
  }

  /** {@link #get(Object, Supplier)}, kept at most until {@code validUntilMillis} of the value (epoch ms). */
  public Future<V> get(K key, Supplier<Future<V>> load, ToLongFunction<V> validUntilMillis) {
    Entry<V> entry = entries.get(key);
    long now = System.nanoTime();
    if (entry != null && entry.expiresAtNanos() - now > 0) {
      return Future.succeededFuture(entry.value().orElse(null));
    }
    long loading = generation.get();
    return load.get().onSuccess(value -> {
      if (generation.get() != loading) {
        return;
      }
      long leftMillis = validUntilMillis.applyAsLong(value) - System.currentTimeMillis();
      long lifetime = leftMillis >= ttlNanos / 1_000_000 ? ttlNanos : Math.max(0, leftMillis) * 1_000_000;
      if (entries.size() >= maxEntries) {
        entries.clear();
      }
      entries.put(key, new Entry<>(Optional.ofNullable(value), now + lifetime));
    });
  }

  /** Forgets one key's value. */
  public void forget(K key) {
    generation.incrementAndGet();
    entries.remove(key);
  }

  public void clear() {
    generation.incrementAndGet();
    entries.clear();
  }
}
