package dev.arkloop.api.gateway;

import dev.arkloop.common.ids.Ids;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Who a request says it is, read from its bearer credential without a database call: an access
 * token's claims are decoded (not verified: the API verifies; the gateway only picks which
 * account's IP rules to apply), an API key is only recognised by its prefix.
 */
record CallerIdentity(String type, UUID orgId, UUID userId) {
  static final CallerIdentity ANONYMOUS = new CallerIdentity("anonymous", null, null);

  /**
   * The identities of the credentials seen last, so a client's token is decoded once, not on each of
   * its requests (in a profile the decode was the largest part of the gateway's own work before it
   * forwards a request). Confined to one event loop.
   */
  static final class Recent {
    static final int MAX_ENTRIES = 1024;
    private final Map<String, CallerIdentity> byAuthorization = new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, CallerIdentity> eldest) {
        return size() > MAX_ENTRIES;
      }
    };

    CallerIdentity of(String authorization) {
      return authorization == null ? ANONYMOUS : byAuthorization.computeIfAbsent(authorization, CallerIdentity::of);
    }
  }

  static CallerIdentity of(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return ANONYMOUS;
    }
    String credential = authorization.substring(7).trim();
    if (credential.startsWith("al_") || credential.startsWith("ak-")) {
      return new CallerIdentity("api_key", null, null);
    }
    String[] parts = credential.split("\\.");
    if (parts.length != 3) {
      return ANONYMOUS;
    }
    try {
      JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
      return new CallerIdentity("user", Ids.parseUuid(claims.getString("account")),
          Ids.parseUuid(claims.getString("sub")));
    } catch (RuntimeException e) {
      return ANONYMOUS;
    }
  }
}
