package dev.arkloop.worker.llm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/** Routes every run to the built-in stub model: the default when no real provider is configured. */
public final class StubModelRouter implements ModelRouter {
  private final ModelRoute stub;

  /** {@code costPer1kTokens} USD per 1k input and per 1k output tokens (0 = free). */
  public StubModelRouter(Vertx vertx, int tokenDelayMs, double costPer1kTokens) {
    this.stub = new ModelRoute("stub", "stub", "stub", StubProvider.MODEL, new StubProvider(vertx, tokenDelayMs),
        new ModelRoute.Prices(costPer1kTokens, costPer1kTokens, 0, 0, 1));
  }

  @Override
  public Future<List<ModelRoute>> routes(UUID orgId, JsonObject runOptions, String personaSelector) {
    return Future.succeededFuture(List.of(stub));
  }
}
