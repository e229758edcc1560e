package dev.arkloop.worker.jobs;

import io.vertx.core.Future;
import java.time.Duration;

/** The worker's hold on a running job. {@link #lost()} completes if a heartbeat finds the lease gone. */
public interface JobLease {

  /** Completes when the lease was lost: the job now belongs to someone else; stop writing. */
  Future<Void> lost();

  boolean isLost();

  /**
   * How long the lease lasts without a heartbeat: work that cannot reach the database for longer
   * than this has lost it (another worker may hold the job by then).
   */
  default Duration length() {
    return Duration.ofSeconds(30);
  }
}
