package dev.arkloop.api.http;

import io.vertx.core.Vertx;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;

/** Open HTTP connections per client address, shared by every API verticle instance of a node. */
final class ConnectionCounts implements Shareable {
  private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

  static ConnectionCounts of(Vertx vertx) {
    return (ConnectionCounts) vertx.sharedData().<String, Object>getLocalMap("arkloop.http")
        .computeIfAbsent("connections-per-ip", key -> new ConnectionCounts());
  }

  /** Counts one more connection from {@code address}; returns how many are open now. */
  int acquire(String address) {
    return open.merge(address, 1, Integer::sum);
  }

  void release(String address) {
    open.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
  }
}
