package dev.arkloop.api.gateway;

import dev.arkloop.common.config.ConfigException;
import dev.arkloop.common.config.ConfigLoader;
import dev.arkloop.common.config.HostPort;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The gateway's node settings from the environment. {@code listen} is null when the gateway is
 * switched off ({@code ARKLOOP_GATEWAY_ADDR} set empty). What admins change at run time
 * (ip_mode, trusted CIDRs, risk threshold) is in the database instead: {@link GatewayConfigStore}.
 */
public record GatewaySettings(HostPort listen, List<HostPort> upstreams, int ratePerSecond, int burst,
    long accessLogMax, String geoipDb) {
  public static GatewaySettings fromEnvironment(Map<String, String> env, HostPort apiListen) {
    String addr = env.getOrDefault("ARKLOOP_GATEWAY_ADDR", ConfigLoader.DEFAULT_GATEWAY_ADDR).trim();
    HostPort listen = addr.isEmpty() ? null : parse("ARKLOOP_GATEWAY_ADDR", addr);
    List<HostPort> upstreams = new ArrayList<>();
    String configured = env.getOrDefault("ARKLOOP_GATEWAY_UPSTREAMS", "").trim();
    if (configured.isEmpty()) {
      upstreams.add(new HostPort(apiListen.host().equals("0.0.0.0") ? "127.0.0.1" : apiListen.host(), apiListen.port()));
    } else {
      for (String upstream : configured.split(",")) {
        upstreams.add(parse("ARKLOOP_GATEWAY_UPSTREAMS", upstream.trim()));
      }
    }
    return new GatewaySettings(listen, List.copyOf(upstreams),
        positive(env, "ARKLOOP_GATEWAY_RATE_PER_SECOND", 50),
        positive(env, "ARKLOOP_GATEWAY_BURST", 100),
        positive(env, "ARKLOOP_ACCESS_LOG_MAX", 1_000_000),
        blankToNull(env.get("ARKLOOP_GEOIP_DB")));
  }

  private static HostPort parse(String key, String value) {
    try {
      return HostPort.parse(value);
    } catch (RuntimeException e) {
      throw new ConfigException(key + ": " + e.getMessage());
    }
  }

  private static int positive(Map<String, String> env, String key, int defaultValue) {
    String value = env.get(key);
    if (value == null || value.isBlank()) {
      return defaultValue;
    }
    try {
      int parsed = Integer.parseInt(value.trim());
      if (parsed < 1) {
        throw new ConfigException(key + " must be at least 1");
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be an integer");
    }
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() ? null : value.trim();
  }
}
