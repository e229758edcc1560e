package dev.arkloop.api.auth;

import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Enforces an account's IP allowlist and blocklist on each of its authenticated requests. Rules are
 * cached per account for {@link #CACHE_MILLIS}; a change made on this node applies at once, on other
 * nodes within that time.
 */
public final class IpRules {
  static final long CACHE_MILLIS = 5_000;
  private final Pool pool;
  private final Map<UUID, Cached> cache = new ConcurrentHashMap<>();

  private record Rule(String type, Cidr cidr) {}

  private record Cached(List<Rule> rules, long loadedAt) {}

  public IpRules(Pool pool) {
    this.pool = pool;
  }

  public Future<Void> check(UUID orgId, String clientIp) {
    return rules(orgId).compose(rules -> rules.isEmpty() || permits(rules, literal(clientIp))
        ? Future.succeededFuture()
        : Future.failedFuture(new ApiException(403, "policy.denied",
            "requests from this address are not allowed for this account",
            new JsonObject().put("reason", "ip_not_allowed"))));
  }

  /** Whether {@code clientIp} would still be let in once a rule of {@code type} for {@code cidr} is added. */
  public Future<Boolean> permitsWith(UUID orgId, String clientIp, String type, Cidr cidr) {
    invalidate(orgId);
    return rules(orgId).map(rules -> {
      List<Rule> next = new ArrayList<>(rules);
      next.add(new Rule(type, cidr));
      return permits(next, literal(clientIp));
    });
  }

  private static boolean permits(List<Rule> rules, InetAddress address) {
    if (rules.isEmpty()) {
      return true;
    }
    boolean blocked = address != null && rules.stream()
        .anyMatch(rule -> rule.type().equals("blocklist") && rule.cidr().contains(address));
    boolean hasAllowlist = rules.stream().anyMatch(rule -> rule.type().equals("allowlist"));
    boolean allowed = address != null && rules.stream()
        .anyMatch(rule -> rule.type().equals("allowlist") && rule.cidr().contains(address));
    return !blocked && (!hasAllowlist || allowed);
  }

  public void invalidate(UUID orgId) {
    cache.remove(orgId);
  }

  private Future<List<Rule>> rules(UUID orgId) {
    Cached cached = cache.get(orgId);
    if (cached != null && System.currentTimeMillis() - cached.loadedAt() < CACHE_MILLIS) {
      return Future.succeededFuture(cached.rules());
    }
    return pool.preparedQuery("SELECT type, cidr::text AS cidr FROM ip_rules WHERE org_id = $1")
        .execute(Tuple.of(orgId))
        .map(rows -> {
          List<Rule> rules = new ArrayList<>();
          for (Row row : rows) {
            Cidr cidr = Cidr.parse(row.getString("cidr"));
            if (cidr != null) {
              rules.add(new Rule(row.getString("type"), cidr));
            }
          }
          cache.put(orgId, new Cached(List.copyOf(rules), System.currentTimeMillis()));
          return rules;
        });
  }

  private static InetAddress literal(String ip) {
    Cidr single = Cidr.parse(ip);
    if (single == null) {
      return null;
    }
    try {
      return InetAddress.getByAddress(single.network());
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
