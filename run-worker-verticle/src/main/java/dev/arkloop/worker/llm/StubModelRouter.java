package dev.arkloop.worker.llm;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.UUID;

/** Routes every run to the built-in stub model: the default when no real provider is configured. */
public final class StubModelRouter implements ModelRouter {
  private final ModelRoute stub;

  public StubModelRouter(Vertx vertx, int tokenDelayMs) {
    this.stub = new ModelRoute("stub", "stub", "stub", StubProvider.MODEL, new StubProvider(vertx, tokenDelayMs),
        ModelRoute.Prices.FREE);
  }

  @Override
  public Future<List<ModelRoute>> routes(UUID orgId, JsonObject runOptions, String personaSelector) {
    return Future.succeededFuture(List.of(stub));
  }
}
