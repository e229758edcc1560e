package dev.arkloop.worker.llm;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.llm.ProviderApi;
import java.util.ArrayList;
import java.util.List;

/**
 * Routes from the operator's environment: {@code OPENAI_API_KEY} (with {@code OPENAI_BASE_URL} and
 * {@code ARKLOOP_OPENAI_MODEL}) and {@code ANTHROPIC_API_KEY} (likewise), OpenAI first. Only the
 * embedded single node uses them: nodes of a cluster could each hold different keys, and then a run's
 * route would depend on which worker took it. They live in memory (no row, no price) and serve every
 * account that has no provider of its own; selectors name them {@code openai^model} and
 * {@code anthropic^model}.
 */
public final class EnvRoutes {
  public static final String OPENAI_ROUTE_ID = "env-openai";
  public static final String ANTHROPIC_ROUTE_ID = "env-anthropic";

  private EnvRoutes() {}

  public static List<ModelRoute> of(ArkloopConfig config, LlmClients clients) {
    List<ModelRoute> routes = new ArrayList<>();
    if (!config.infra().embeddedDatabase()) {
      return routes;
    }
    add(routes, OPENAI_ROUTE_ID, ProviderApi.OPENAI, config.llm().openai(), clients);
    add(routes, ANTHROPIC_ROUTE_ID, ProviderApi.ANTHROPIC, config.llm().anthropic(), clients);
    return routes;
  }

  private static void add(List<ModelRoute> routes, String id, String kind, ArkloopConfig.EnvProvider provider,
      LlmClients clients) {
    if (provider.configured()) {
      LlmProvider client = clients.create(new Endpoint(kind, provider.baseUrl(), provider.apiKey(), true),
          LlmClients.MODE_AUTO, null);
      routes.add(new ModelRoute(id, kind, kind, provider.model(), client, ModelRoute.Prices.FREE));
    }
  }
}
