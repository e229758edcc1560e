package dev.arkloop.api;

import dev.arkloop.api.admin.AdminModule;
import dev.arkloop.api.asr.AsrModule;
import dev.arkloop.api.audit.AuditLogRoutes;
import dev.arkloop.api.auth.TrustedProxies;
import dev.arkloop.api.contract.ContractRegistry;
import dev.arkloop.api.contract.ContractRoutes;
import dev.arkloop.api.health.HealthRoutes;
import dev.arkloop.api.http.AccessLogHandler;
import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.ClientIp;
import dev.arkloop.api.http.ColonActionHandler;
import dev.arkloop.api.http.DependencyFailures;
import dev.arkloop.api.http.ErrorHandler;
import dev.arkloop.api.http.JsonBodyHandler;
import dev.arkloop.api.http.JsonBodyScreen;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.http.TraceIdHandler;
import dev.arkloop.api.llm.LlmProviderRoutes;
import dev.arkloop.api.mcp.McpConfigRoutes;
import dev.arkloop.api.personas.PersonaRoutes;
import dev.arkloop.api.projects.ProjectsModule;
import dev.arkloop.api.threads.ThreadsModule;
import dev.arkloop.api.tools.ToolProviderRoutes;
import dev.arkloop.api.usage.UsageRoutes;
import dev.arkloop.api.webhooks.WebhookRepository;
import dev.arkloop.api.webhooks.WebhookRoutes;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.webhooks.WebhookAddresses;
import dev.arkloop.common.webhooks.WebhookSender;
import io.vertx.ext.web.Router;
import java.util.List;

/**
 * Assembles the router: cross-cutting handlers first, then every resource (each a {@link Resource}, in
 * the order listed), then errors.
 */
public final class ApiRouter {
  private ApiRouter() {}

  static Router build(ApiContext api, ApiModules modules) {
    Router router = Router.router(api.vertx());
    installCommonHandlers(router, api.config());
    Routes routes = new Routes(router, modules.auth.authentication(), modules.audit);
    SecretBox secrets = SecretBox.optional(api.config().secrets().encryptionKey());
    List<Resource> resources = List.of(
        new HealthRoutes(api),
        modules.auth, // first: its limits cover every /v1/auth endpoint mounted after it
        modules.email,
        modules.identity,
        new UsageRoutes(api.pool(), modules.identity.accounts()),
        new AuditLogRoutes(api.pool()),
        new ProjectsModule(api),
        new ThreadsModule(api),
        modules.runs::mount,
        new AdminModule(api, modules.auth.revocations(), modules.identity.apiKeys(), modules.runs.canceller()),
        modules.notifications,
        modules.billing,
        new LlmProviderRoutes(api, modules.billing.entitlements()),
        new AsrModule(api),
        new PersonaRoutes(api),
        new ToolProviderRoutes(api.pool(), secrets),
        new McpConfigRoutes(api.vertx(), api.pool(), secrets, api.config().tools(), modules.billing.entitlements()),
        new WebhookRoutes(api.vertx(), new WebhookRepository(api.pool()), webhookAddresses(api),
            new WebhookSender(api.vertx(), webhookAddresses(api), api.config().webhooks().timeoutMillis()), secrets),
        // last: the contract is built from every route mounted before it
        new ContractRoutes(api.vertx(), routes.table(), ContractRegistry.standard(), api.config().http().docsEnabled()));
    resources.forEach(resource -> resource.mount(routes));
    installErrorHandling(router, new ErrorHandler(new DependencyFailures(api.endpoints().database())));
    return router;
  }

  private static WebhookAddresses webhookAddresses(ApiContext api) {
    return new WebhookAddresses(api.vertx(), api.config().webhooks().allowPrivate());
  }

  /** Trace id, access log, colon actions and body parsing: what every route runs behind. */
  public static void installCommonHandlers(Router router, ArkloopConfig config) {
    if (!config.http().trustedProxies().isEmpty()) {
      router.route().handler(ClientIp.trusting(TrustedProxies.parse(config.http().trustedProxies())));
    }
    router.route().handler(new TraceIdHandler(config.http().trustIncomingTraceId()));
    router.route().handler(new AccessLogHandler());
    router.route("/v1/*").handler(new ColonActionHandler());
    router.route("/v1/*").handler(new JsonBodyHandler(config.http().maxBodyBytes()));
    router.route("/v1/*").handler(new JsonBodyScreen());
  }

  /** Every failure, unknown route and wrong method ends in the error envelope. */
  public static void installErrorHandling(Router router) {
    installErrorHandling(router, new ErrorHandler());
  }

  private static void installErrorHandling(Router router, ErrorHandler errors) {
    router.route().failureHandler(errors);
    router.errorHandler(404, errors);
    router.errorHandler(405, errors);
    router.errorHandler(500, errors);
  }
}
