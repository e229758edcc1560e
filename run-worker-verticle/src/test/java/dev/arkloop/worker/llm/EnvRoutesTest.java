package dev.arkloop.worker.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class EnvRoutesTest {

  @Test
  void theEmbeddedNodeRoutesToTheProvidersItsEnvironmentNames(Vertx vertx) {
    ArkloopConfig config = ConfigLoader.load(Map.of("OPENAI_API_KEY", "sk-env", "ANTHROPIC_API_KEY", "sk-ant-env",
        "ARKLOOP_ANTHROPIC_MODEL", "claude-env"), List.of());
    List<ModelRoute> routes = EnvRoutes.of(config, LlmClients.create(vertx, config.llm()));
    assertEquals(List.of("env-openai", "env-anthropic"), routes.stream().map(ModelRoute::routeId).toList());
    assertEquals("gpt-4o-mini", routes.get(0).model());
    assertEquals("openai", routes.get(0).providerName());
    assertEquals("claude-env", routes.get(1).model());
    assertEquals(ModelRoute.Prices.FREE, routes.get(1).prices());
  }

  @Test
  void aClusterNodeIgnoresThem(Vertx vertx) {
    ArkloopConfig config = ConfigLoader.load(Map.of("OPENAI_API_KEY", "sk-env",
        "ARKLOOP_DATABASE_URL", "postgresql://u:p@db:5432/ark"), List.of());
    assertTrue(EnvRoutes.of(config, LlmClients.create(vertx, config.llm())).isEmpty());
    assertTrue(EnvRoutes.of(ConfigLoader.load(Map.of(), List.of()), LlmClients.create(vertx, config.llm())).isEmpty());
  }
}
