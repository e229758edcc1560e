package dev.arkloop.api.runs;

import dev.arkloop.api.http.Params;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.runs.RunStatus;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The filters of {@code GET /v1/runs?offset=} as the original clients page the run list: a page by
 * offset with the total, narrowed by run id prefix, thread, user, model, persona, status and time.
 */
record RunSearch(String runIdPrefix, UUID threadId, UUID userId, String model, String personaId, String status,
    OffsetDateTime since, OffsetDateTime until, int offset, int limit) {
  private static final Pattern ID_PREFIX = Pattern.compile("[0-9a-fA-F-]{1,36}");

  static boolean requested(RoutingContext ctx) {
    return Params.query(ctx, "offset") != null;
  }

  static RunSearch parse(RoutingContext ctx) {
    String prefix = Params.query(ctx, "run_id");
    if (prefix != null && !ID_PREFIX.matcher(prefix).matches()) {
      throw ApiException.invalid("run_id", "run_id must be the start of a run id");
    }
    RunStatus status = RunRoutes.status(ctx);
    return new RunSearch(prefix == null ? null : prefix.toLowerCase(java.util.Locale.ROOT),
        Params.optionalUuid(ctx, "thread_id"), Params.optionalUuid(ctx, "user_id"), Params.query(ctx, "model"),
        Params.query(ctx, "persona_id"), status == null ? null : status.wire(), time(ctx, "since"), time(ctx, "until"),
        Params.intInRange(ctx, "offset", 0, 0, 1_000_000), Params.limit(ctx, 50, 200));
  }

  private static OffsetDateTime time(RoutingContext ctx, String name) {
    String value = Params.query(ctx, name);
    try {
      return value == null ? null : OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(name, name + " must be an RFC 3339 timestamp");
    }
  }
}
