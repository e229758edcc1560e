package dev.arkloop.api.billing;

import dev.arkloop.common.cache.ExpiringCache;
import io.vertx.core.Future;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Function;

/**
 * Per-account values cached on this verticle instance until invalidated (over the event bus) or
 * until they expire: after {@code ttlMillis}, or earlier when the loaded value says so (an override
 * that expires sooner). A load that finishes after an invalidation is not kept.
 */
final class OrgCache<T> {
  /** A loaded value and the instant it stops holding (null = only the TTL applies). */
  record Loaded<T>(T value, Instant validUntil) {}

  /** Stands for "no account" (platform-wide values) in the map, which cannot hold null keys. */
  private static final UUID PLATFORM = new UUID(0, 0);
  private static final int MAX_ACCOUNTS = 100_000;

  private final ExpiringCache<UUID, Loaded<T>> entries;
  private final Function<UUID, Future<Loaded<T>>> loader;

  OrgCache(long ttlMillis, Function<UUID, Future<Loaded<T>>> loader) {
    this.entries = new ExpiringCache<>(ttlMillis, MAX_ACCOUNTS);
    this.loader = loader;
  }

  Future<T> get(UUID orgId) {
    return entries.get(orgId == null ? PLATFORM : orgId, () -> loader.apply(orgId),
            loaded -> loaded.validUntil() == null ? Long.MAX_VALUE : loaded.validUntil().toEpochMilli())
        .map(Loaded::value);
  }

  /** Forgets one account's value, or every value when {@code orgId} is null. */
  void invalidate(UUID orgId) {
    if (orgId == null) {
      entries.clear();
    } else {
      entries.forget(orgId);
    }
  }
}
