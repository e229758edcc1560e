package dev.arkloop.worker.llm;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.db.Pools;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Routes from the providers and models stored in PostgreSQL, account before platform, default then priority. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class DatabaseModelRouterTest {
  private static final SecretBox BOX = new SecretBox(SecretBox.generateKey());
  private static final ModelRoute STUB = new ModelRoute("stub", "stub", "stub", "stub-1", null, ModelRoute.Prices.FREE);
  private static Pool pool;
  private static LlmClients clients;
  private static UUID org;
  private static UUID other;

  @BeforeAll
  static void start(Vertx vertx) {
    pool = Pools.create(vertx, TestInfra.get().newDatabase(), 2);
    clients = LlmClients.create(vertx, LlmTestKit.settings(3, 10));
    org = org("acme");
    other = org("other");
  }

  private static UUID org(String slug) {
    UUID id = Ids.newId();
    await(pool.preparedQuery("INSERT INTO orgs (id, slug, name, type) VALUES ($1, $2, $2, 'workspace')")
        .execute(Tuple.of(id, slug)));
    return id;
  }

  private static UUID provider(UUID orgId, String name, String kind, String sealedKey, JsonObject advanced) {
    UUID id = Ids.newId();
    await(pool.preparedQuery("INSERT INTO llm_providers (id, org_id, provider, name, api_key_encrypted, key_prefix, "
            + "base_url, advanced_json) VALUES ($1, $2, $3, $4, $5, 'x…', 'http://127.0.0.1:9/v1', $6)")
        .execute(Tuple.of(id, orgId, kind, name, sealedKey, advanced)));
    return id;
  }

  private static UUID model(UUID providerId, String model, boolean isDefault, int priority, JsonObject advanced,
      Double costIn) {
    UUID id = Ids.newId();
    await(pool.preparedQuery("INSERT INTO llm_models (id, provider_id, model, is_default, priority, advanced_json, "
            + "multiplier, cost_per_1k_input, cost_per_1k_output) VALUES ($1, $2, $3, $4, $5, $6, 2, $7, 0.5)")
        .execute(Tuple.of(id, providerId, model, isDefault, priority, advanced, costIn)));
    return id;
  }

  private static DatabaseModelRouter router(List<ModelRoute> environment) {
    return new DatabaseModelRouter(pool, BOX, clients, environment,
        (orgId, options, selector) -> Future.succeededFuture(List.of(STUB)));
  }

  @Test
  void accountModelsComeBeforePlatformModelsDefaultFirstThenByPriority() {
    UUID platform = provider(null, "platform-main", "anthropic", BOX.seal("sk-platform"), null);
    UUID mine = provider(org, "mine", "openai", BOX.seal("sk-mine"), new JsonObject().put("temperature", 0.1));
    UUID platformDefault = model(platform, "claude-x", true, 100, null, null);
    UUID low = model(mine, "gpt-low", false, 1, null, null);
    UUID high = model(mine, "gpt-high", false, 50, null, 0.003);
    UUID byDefault = model(mine, "gpt-default", true, 0, null, null);

    List<ModelRoute> routes = await(router(List.of()).routes(org, new JsonObject(), null));
    assertEquals(List.of(byDefault.toString(), high.toString(), low.toString(), platformDefault.toString()),
        routes.stream().map(ModelRoute::routeId).toList());
    ModelRoute highRoute = routes.get(1);
    assertEquals("mine", highRoute.providerName());
    assertEquals("openai", highRoute.providerKind());
    assertEquals("gpt-high", highRoute.model());
    assertEquals(new ModelRoute.Prices(0.003, 0.5, 0, 0, 2), highRoute.prices());

    List<ModelRoute> ofOther = await(router(List.of()).routes(other, new JsonObject(), null));
    assertEquals(List.of(platformDefault.toString()), ofOther.stream().map(ModelRoute::routeId).toList(),
        "another account sees only the platform's models");
    assertEquals(List.of(), await(router(List.of()).routes(other, new JsonObject().put("route_id", high.toString()),
        null)), "another account's model cannot be named");
    assertEquals("gpt-low", await(router(List.of()).routes(org, new JsonObject().put("model", "mine^gpt-low"), null))
        .get(0).model());
  }

  @Test
  void withNothingConfiguredTheEnvironmentOrTheStubServes() {
    UUID lonely = org("lonely");
    ModelRoute env = new ModelRoute("env-openai", "openai", "openai", "gpt-env", null, ModelRoute.Prices.FREE);
    // platform models of the other test may exist; an account with none of its own still gets those first
    List<ModelRoute> routes = await(new DatabaseModelRouter(pool, BOX, clients, List.of(env),
        (o, options, selector) -> Future.succeededFuture(List.of(STUB))).routes(lonely,
        new JsonObject().put("route_id", "env-openai"), null));
    assertEquals("env-openai", routes.get(0).routeId());
    assertEquals("stub", await(router(List.of()).routes(lonely, new JsonObject().put("route_id", "stub"), null))
        .get(0).routeId());
  }

  @Test
  void aKeySealedUnderAnotherKeyIsSkipped() {
    UUID broken = org("broken");
    UUID provider = provider(broken, "foreign", "openai", new SecretBox(SecretBox.generateKey()).seal("sk-x"), null);
    UUID foreignModel = model(provider, "gpt-foreign", true, 0, null, null);
    List<ModelRoute> routes = await(router(List.of()).routes(broken, new JsonObject(), null));
    assertTrue(routes.stream().noneMatch(route -> route.routeId().equals(foreignModel.toString())));
  }

  @Test
  void theModelsAdvancedSettingsOverlayTheProviders() {
    JsonObject merged = DatabaseModelRouter.merged(new JsonObject().put("temperature", 0.1).put("top_p", 0.5),
        new JsonObject().put("temperature", 0.9));
    assertEquals(new JsonObject().put("temperature", 0.9).put("top_p", 0.5), merged);
    assertNull(DatabaseModelRouter.merged(null, null));
    assertEquals(new JsonObject().put("a", 1), DatabaseModelRouter.merged(null, new JsonObject().put("a", 1)));
  }
}
