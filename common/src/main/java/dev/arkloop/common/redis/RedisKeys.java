package dev.arkloop.common.redis;

/** Every Redis key this deployment writes starts with one prefix, so deployments and tests can share a server. */
public record RedisKeys(String prefix) {

  public String key(String... parts) {
    return prefix + String.join(":", parts);
  }
}
