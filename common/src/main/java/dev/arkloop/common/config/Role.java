package dev.arkloop.common.config;

import java.util.Locale;

/** What a node runs: the HTTP API, the run worker, the gateway in front of the API, or all of them. */
public enum Role {
  ALL, API, WORKER, GATEWAY;

  public boolean runsApi() {
    return this == ALL || this == API;
  }

  public boolean runsWorker() {
    return this == ALL || this == WORKER;
  }

  public boolean runsGateway() {
    return this == ALL || this == GATEWAY;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static Role parse(String value) {
    for (Role role : values()) {
      if (role.label().equals(value.trim().toLowerCase(Locale.ROOT))) {
        return role;
      }
    }
    throw new IllegalArgumentException("must be one of all, api, worker, gateway");
  }
}
