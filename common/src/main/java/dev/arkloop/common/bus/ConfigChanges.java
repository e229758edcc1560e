package dev.arkloop.common.bus;

import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * Stored configuration that run workers keep in memory (model routes, personas). The API announces
 * a change on the clustered event bus once it is committed, before it answers, so every worker
 * forgets its copy before a run created after the answer can reach it; the copies also expire on
 * their own in case an announcement is lost.
 */
public final class ConfigChanges {
  public static final String ADDRESS = "arkloop.config.changed";
  /** LLM providers and models, the account's or the platform's. */
  public static final String MODEL_ROUTES = "model_routes";
  /** Persona rows, the account's or the platform's. */
  public static final String PERSONAS = "personas";

  private ConfigChanges() {}

  public static void announce(Vertx vertx, String what) {
    vertx.eventBus().publish(ADDRESS, what);
  }

  /** Runs {@code forget} whenever {@code what} changes. */
  public static MessageConsumer<String> listen(Vertx vertx, String what, Runnable forget) {
    return vertx.eventBus().<String>consumer(ADDRESS, message -> {
      if (what.equals(message.body())) {
        forget.run();
      }
    });
  }
}
