package dev.arkloop.common.config;

import java.util.Locale;

/** What a node runs: the HTTP API, the run worker, or both. */
public enum Role {
  ALL, API, WORKER;

  public boolean runsApi() {
    return this != WORKER;
  }

  public boolean runsWorker() {
    return this != API;
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
    throw new IllegalArgumentException("must be one of all, api, worker");
  }
}
