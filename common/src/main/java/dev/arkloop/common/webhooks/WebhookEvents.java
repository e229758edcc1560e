package dev.arkloop.common.webhooks;

import java.util.List;

/** What webhook endpoints can subscribe to, and the delivery job. */
public final class WebhookEvents {
  /** Job type; payload {@code {delivery_id}}. */
  public static final String JOB_TYPE = "webhook.deliver";
  public static final String PING = "ping";
  /**
   * Subscribable events. {@code run.interrupted} is accepted for compatibility and never fired: a
   * run whose worker is lost ends {@code run.failed}.
   */
  public static final List<String> SUBSCRIBABLE = List.of("run.completed", "run.failed", "run.cancelled",
      "run.waiting_for_input", "run.interrupted");

  private WebhookEvents() {}
}
