package dev.arkloop.api.billing;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Per-account values cached on this verticle instance until invalidated (over the event bus) or
 * until they expire: after {@code ttlMillis}, or earlier when the loaded value says so (an override
 * that expires sooner). A load that finishes after an invalidation is not kept.
 */
final class OrgCache<T> {
  /** A loaded value and the instant it stops holding (null = only the TTL applies). */
  record Loaded<T>(T value, Instant validUntil) {}

  private record Entry<T>(T value, long expiresAtMillis) {}

  /** Stands for "no account" (platform-wide values) in the map, which cannot hold null keys. */
  private static final UUID PLATFORM = new UUID(0, 0);

  private final Map<UUID, Entry<T>> entries = new ConcurrentHashMap<>();
  private final long ttlMillis;
  private final Function<UUID, Future<Loaded<T>>> loader;
  private long generation;

  OrgCache(long ttlMillis, Function<UUID, Future<Loaded<T>>> loader) {
    this.ttlMillis = ttlMillis;
    this.loader = loader;
  }

  Future<T> get(UUID orgId) {
    UUID key = orgId == null ? PLATFORM : orgId;
    Entry<T> entry = entries.get(key);
    long now = System.currentTimeMillis();
    if (entry != null && entry.expiresAtMillis() > now) {
      return Future.succeededFuture(entry.value());
    }
    long loadingGeneration = generation;
    return loader.apply(orgId).map(loaded -> {
      long expires = now + ttlMillis;
      if (loaded.validUntil() != null) {
        expires = Math.min(expires, loaded.validUntil().toEpochMilli());
      }
      if (loadingGeneration == generation) {
        entries.put(key, new Entry<>(loaded.value(), expires));
      }
      return loaded.value();
    });
  }

  /** Forgets one account's value, or every value when {@code orgId} is null. */
  void invalidate(UUID orgId) {
    generation++;
    if (orgId == null) {
      entries.clear();
    } else {
      entries.remove(orgId);
    }
  }
}
