package dev.arkloop.common.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Typed, validated reads of raw configuration values; every failure names the variable. */
final class Settings {
  private final Map<String, String> values;

  Settings(Map<String, String> values) {
    this.values = values;
  }

  /** Whether the key is set at all, even to an empty value. */
  boolean present(String key) {
    return values.containsKey(key);
  }

  /** The trimmed value, or null when unset or empty. */
  String optional(String key) {
    String value = values.get(key);
    if (value == null || value.isBlank()) {
      return null;
    }
    return value.trim();
  }

  String required(String key) {
    String value = optional(key);
    if (value == null) {
      throw new ConfigException(key + " is required");
    }
    return value;
  }

  int integer(String key, int min, int max) {
    String raw = required(key);
    try {
      int value = Integer.parseInt(raw);
      if (value < min || value > max) {
        throw new ConfigException(key + " must be between " + min + " and " + max + ", got '" + raw + "'");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new ConfigException(key + " must be an integer, got '" + raw + "'");
    }
  }

  boolean bool(String key) {
    String raw = optional(key);
    if (raw == null) {
      return false;
    }
    return switch (raw.toLowerCase()) {
      case "1", "true", "yes", "on" -> true;
      case "0", "false", "no", "off" -> false;
      default -> throw new ConfigException(key + " must be 1 or 0 (true or false), got '" + raw + "'");
    };
  }

  String oneOf(String key, String... allowed) {
    String value = required(key);
    for (String option : allowed) {
      if (option.equals(value)) {
        return value;
      }
    }
    throw new ConfigException(key + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
  }

  List<String> list(String key) {
    String raw = optional(key);
    if (raw == null) {
      return List.of();
    }
    List<String> items = new ArrayList<>();
    Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).forEach(items::add);
    return List.copyOf(items);
  }

  /** Parses with {@code parser}; an {@link IllegalArgumentException} becomes a message naming the key. */
  <T> T parsed(String key, Function<String, T> parser) {
    String raw = required(key);
    try {
      return parser.apply(raw);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(key + " " + e.getMessage() + ", got '" + raw + "'");
    }
  }

  /** A URL with one of the given schemes, or null when unset. */
  String url(String key, String... schemes) {
    String raw = optional(key);
    if (raw == null) {
      return null;
    }
    for (String scheme : schemes) {
      if (raw.startsWith(scheme + "://")) {
        return raw;
      }
    }
    throw new ConfigException(key + " must be a URL starting with " + String.join("://, ", schemes) + "://");
  }
}
