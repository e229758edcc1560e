package dev.arkloop.common.bus;

/** Event-bus addresses. The bus only signals; durable state is in PostgreSQL. */
public final class Addresses {
  private Addresses() {}

  /** Wake-up for a newly queued job of {@code type}, sent (one consumer) with body {@code {job_id}}. */
  public static String jobWake(String type) {
    return "arkloop.jobs.wake." + type;
  }
}
