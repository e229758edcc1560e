package dev.arkloop.worker.jobs;

import io.vertx.core.Future;

/** The worker's hold on a running job. {@link #lost()} completes if a heartbeat finds the lease gone. */
public interface JobLease {

  /** Completes when the lease was lost: the job now belongs to someone else; stop writing. */
  Future<Void> lost();

  boolean isLost();
}
