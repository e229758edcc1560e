package dev.arkloop.common.cache;

import io.vertx.core.Future;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Values loaded on demand and kept for {@code ttlMillis} or until {@link #clear}. A load that was
 * under way when the cache was cleared is handed to its caller but not kept, so a value read before
 * a change can never outlive the change's announcement. Null values are kept too (as "none").
 * Meant for one verticle: loads and clears happen on its event loop.
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
      if (entries.size() >= maxEntries) {
        entries.clear();
      }
      entries.put(key, new Entry<>(Optional.ofNullable(value), now + ttlNanos));
    });
  }

  public void clear() {
    generation.incrementAndGet();
    entries.clear();
  }
}
