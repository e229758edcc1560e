package dev.arkloop.worker.jobs;

import dev.arkloop.common.jobs.Job;
import io.vertx.core.Future;

/**
 * Runs the jobs of one type. The handler finishes its job itself ({@code JobQueue.complete} or
 * {@code fail}, fenced by the lease token, ideally in the transaction that records the outcome). A
 * failed future hands the job back to be retried with backoff.
 */
public interface JobHandler {

  String type();

  Future<Void> handle(Job job, JobLease lease);

  /**
   * Called, still holding the lease, when the job failed on its last attempt: the handler's chance
   * to record the failure where users see it before the job is marked failed.
   */
  default Future<Void> exhausted(Job job, Throwable cause) {
    return Future.succeededFuture();
  }
}
