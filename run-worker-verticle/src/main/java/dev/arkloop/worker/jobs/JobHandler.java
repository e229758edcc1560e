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
}
