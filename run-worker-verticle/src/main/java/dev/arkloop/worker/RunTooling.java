package dev.arkloop.worker;

import dev.arkloop.common.bus.ConfigChanges;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.personas.BuiltinPersonas;
import dev.arkloop.common.personas.PersonaStore;
import dev.arkloop.common.workspace.PgWorkspaceStore;
import dev.arkloop.worker.runs.RunPolicies;
import dev.arkloop.worker.tools.BuiltinTools;
import dev.arkloop.worker.tools.Tool;
import dev.arkloop.worker.tools.ToolRegistry;
import dev.arkloop.worker.tools.WorkspaceFileTools;
import dev.arkloop.worker.tools.mcp.McpTools;
import dev.arkloop.common.net.AddressPolicy;
import dev.arkloop.worker.tools.web.SafeFetcher;
import dev.arkloop.worker.tools.web.ToolProviders;
import dev.arkloop.worker.tools.web.WebFetchTool;
import dev.arkloop.worker.tools.web.WebSearchTool;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/** The worker's personas and tools, built once per verticle; {@link #close()} stops MCP servers. */
final class RunTooling {
  /** Resolved personas are kept this long at most (a change through the API drops them at once). */
  static final long PERSONA_CACHE_MILLIS = 60_000;
  private final RunPolicies policies;
  private final McpTools mcp;

  RunTooling(Vertx vertx, Pool pool, ArkloopConfig config) {
    ArkloopConfig.Tools settings = config.tools();
    SecretBox secrets = SecretBox.optional(config.secrets().encryptionKey());
    AddressPolicy addresses = AddressPolicy.standard(settings.allowPrivateNetwork());
    SafeFetcher fetcher = new SafeFetcher(vertx, addresses, null, settings.webFetchMaxBytes(),
        settings.webFetchTimeoutMs());
    List<Tool> extra = new ArrayList<>();
    ToolProviders providers = new ToolProviders(pool, secrets, settings.providerCacheTtlSeconds());
    extra.add(new WebFetchTool(fetcher, providers));
    extra.add(new WebSearchTool(providers, fetcher));
    extra.addAll(new WorkspaceFileTools(new PgWorkspaceStore(pool), pool).tools());
    this.mcp = new McpTools(vertx, pool, secrets, addresses, settings.mcpCacheTtlSeconds(), settings);
    PersonaStore personas = PersonaStore.remembering(pool, BuiltinPersonas.load(vertx), PERSONA_CACHE_MILLIS);
    ConfigChanges.listen(vertx, ConfigChanges.PERSONAS, personas::forget); // unregistered with the verticle
    this.policies = new RunPolicies(personas,
        new ToolRegistry(new BuiltinTools(extra), mcp::tools), settings.defaultPersona(),
        settings.approvalTimeoutSeconds());
  }

  RunPolicies policies() {
    return policies;
  }

  Future<Void> close() {
    return mcp.close();
  }
}
