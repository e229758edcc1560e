package dev.arkloop.api;

import dev.arkloop.api.auth.ClientIp;
import dev.arkloop.api.billing.BillingModule;
import dev.arkloop.api.contract.ContractRegistry;
import dev.arkloop.api.contract.ContractRoutes;
import dev.arkloop.api.health.HealthRoutes;
import dev.arkloop.api.http.AccessLogHandler;
import dev.arkloop.api.http.ColonActionHandler;
import dev.arkloop.api.http.DependencyFailures;
import dev.arkloop.api.http.ErrorHandler;
import dev.arkloop.api.http.JsonBodyHandler;
import dev.arkloop.api.http.JsonBodyScreen;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.http.TraceIdHandler;
import dev.arkloop.api.identity.IdentityModule;
import dev.arkloop.api.mcp.McpConfigRoutes;
import dev.arkloop.api.notifications.NotificationsModule;
import dev.arkloop.api.personas.PersonaRoutes;
import dev.arkloop.api.projects.ProjectsModule;
import dev.arkloop.api.runs.RunsModule;
import dev.arkloop.api.threads.ThreadsModule;
import dev.arkloop.api.webhooks.WebhookRepository;
import dev.arkloop.api.webhooks.WebhookRoutes;
import dev.arkloop.common.webhooks.WebhookAddresses;
import dev.arkloop.common.webhooks.WebhookSender;
import dev.arkloop.api.tools.ToolProviderRoutes;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.SecretBox;
import io.vertx.ext.web.Router;

/** Assembles the router: cross-cutting handlers first, then each resource's routes, then errors. */
public final class ApiRouter {
  private ApiRouter() {}

  static Router build(ApiContext api, IdentityModule identity, RunsModule runs,
      NotificationsModule notifications, BillingModule billing) {
    Router router = Router.router(api.vertx());
    installCommonHandlers(router, api.config());
    new HealthRoutes(api).mount(router);
    Routes routes = identity.routes(router);
    routes.table().addPublic("GET", "/healthz", 200, null);
    routes.table().addPublic("GET", "/readyz", 200, null);
    identity.mount(router, routes);
    new ProjectsModule(api).mount(routes);
    new ThreadsModule(api).mount(routes);
    runs.mount(routes);
    new dev.arkloop.api.admin.AdminModule(api, identity.revocations(), runs.canceller()).mount(routes);
    notifications.mount(routes);
    billing.mount(routes);
    new dev.arkloop.api.llm.LlmProviderRoutes(api, billing.entitlements()).mount(routes);
    dev.arkloop.api.asr.AsrModule.mount(api, routes);
    PersonaRoutes.create(api.vertx(), api.pool()).mount(routes);
    new ToolProviderRoutes(api.pool(), SecretBox.optional(api.config().secrets().encryptionKey())).mount(routes);
    new McpConfigRoutes(api.vertx(), api.pool(), SecretBox.optional(api.config().secrets().encryptionKey()),
        api.config().tools(), billing.entitlements()).mount(routes);
    new WebhookRoutes(api.vertx(), new WebhookRepository(api.pool()), webhookAddresses(api),
        new WebhookSender(api.vertx(), webhookAddresses(api), api.config().webhooks().timeoutMillis()),
        SecretBox.optional(api.config().secrets().encryptionKey())).mount(routes);
    // last: the contract is built from every route mounted before it
    new ContractRoutes(api.vertx(), routes.table(), ContractRegistry.standard(), api.config().http().docsEnabled())
        .mount(routes);
    installErrorHandling(router, new ErrorHandler(new DependencyFailures(api.endpoints().database())));
    return router;
  }

  private static WebhookAddresses webhookAddresses(ApiContext api) {
    return new WebhookAddresses(api.vertx(), api.config().webhooks().allowPrivate());
  }

  /** Trace id, access log, colon actions and body parsing: what every route runs behind. */
  public static void installCommonHandlers(Router router, ArkloopConfig config) {
    if (!config.http().trustedProxies().isEmpty()) {
      router.route().handler(ClientIp.trusting(config.http().trustedProxies()));
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
