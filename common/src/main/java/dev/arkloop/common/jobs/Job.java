package dev.arkloop.common.jobs;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** A leased job: only the holder of {@code leaseToken} may heartbeat, complete or release it. */
public record Job(
    UUID id,
    String type,
    int payloadVersion,
    JsonObject payload,
    UUID orgId,
    int attempts,
    int maxAttempts,
    UUID leaseToken) {

  /** True when this lease is past the allowed number of attempts (the job kept losing its worker). */
  public boolean exhausted() {
    return attempts > maxAttempts;
  }
}
