package dev.arkloop.api.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Records the successful calls of endpoints declared with {@link Routes.Endpoint#audit}. */
public interface Auditor {
  /** {@code after} is the response body when it is a JSON object, else null. */
  void record(RoutingContext ctx, String action, JsonObject after);
}
