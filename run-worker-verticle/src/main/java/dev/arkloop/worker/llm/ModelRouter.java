package dev.arkloop.worker.llm;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/**
 * Chooses the models a run may use, best first: the run's {@code route_id}, else the persona's
 * {@code provider^model} selector, else the account's default route; the rest are fallbacks. An
 * empty list means no route: the run fails with {@code policy.route_not_found}.
 */
public interface ModelRouter {

  Future<List<ModelRoute>> routes(UUID orgId, JsonObject runOptions, String personaSelector);
}
