package dev.arkloop.common.notifications;

/** The durable fan-out of a broadcast to every active user of its target. */
public final class Broadcasts {
  /** Job type; payload {@code {broadcast_id}}. */
  public static final String JOB_TYPE = "notification.broadcast";

  private Broadcasts() {}
}
