package dev.arkloop.api.llm;

import static dev.arkloop.common.bus.ConfigChanges.MODEL_ROUTES;
import static dev.arkloop.api.http.Permissions.LLM_CREDENTIALS_MANAGE;

import dev.arkloop.api.billing.Entitlements;
import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.llm.ProviderApi;
import dev.arkloop.common.net.OutboundGuard;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.UUID;

/**
 * {@code /v1/llm-providers}: upstream LLM accounts of the caller's account (or, with
 * {@code ?scope=platform}, of the platform) and the models routed to them. Keys are sealed with
 * {@link SecretBox} before they are stored and never come back: responses show {@code key_prefix}.
 */
public final class LlmProviderRoutes implements Resource {
  private static final String BASE = "/v1/llm-providers";
  private static final String PROVIDER = BASE + "/:provider_id";
  private static final String MODEL = PROVIDER + "/models/:model_id";

  private final LlmProviderRepository providers;
  private final SecretBox secrets;
  private final ProviderUrls urls;
  private final UpstreamModels upstream;

  private final Entitlements entitlements;

  public LlmProviderRoutes(ApiContext api, Entitlements entitlements) {
    this.entitlements = entitlements;
    String key = api.config().secrets().encryptionKey();
    OutboundGuard guard = new OutboundGuard(api.vertx(), api.config().llm().allowPrivateProviderUrls());
    this.providers = new LlmProviderRepository(api.pool());
    this.secrets = key == null ? null : new SecretBox(key);
    this.urls = new ProviderUrls(guard);
    this.upstream = new UpstreamModels(api.vertx().createHttpClient(new HttpClientOptions().setKeepAlive(false)),
        guard, api.config().llm());
  }

  @Override
  public void mount(Routes routes) {
    routes.get(BASE).requires(LLM_CREDENTIALS_MANAGE).respond(ctx -> providers.list(ProviderScope.of(ctx).orgId()));
    routes.post(BASE).requires(LLM_CREDENTIALS_MANAGE).status(201)
        .announces(MODEL_ROUTES).audit("llm_provider.create").respond(this::create);
    routes.patch(PROVIDER).requires(LLM_CREDENTIALS_MANAGE)
        .announces(MODEL_ROUTES).audit("llm_provider.update").respond(this::update);
    routes.put(PROVIDER).requires(LLM_CREDENTIALS_MANAGE)
        .announces(MODEL_ROUTES).audit("llm_provider.update").respond(this::update);
    routes.delete(PROVIDER).requires(LLM_CREDENTIALS_MANAGE)
        .announces(MODEL_ROUTES).audit("llm_provider.delete").respond(this::delete);
    routes.post(PROVIDER + "/models").requires(LLM_CREDENTIALS_MANAGE).status(201)
        .announces(MODEL_ROUTES).audit("llm_model.create")
        .respond(this::createModel);
    routes.patch(MODEL).requires(LLM_CREDENTIALS_MANAGE)
        .announces(MODEL_ROUTES).audit("llm_model.update").respond(this::updateModel);
    routes.put(MODEL).requires(LLM_CREDENTIALS_MANAGE)
        .announces(MODEL_ROUTES).audit("llm_model.update").respond(this::updateModel);
    routes.delete(MODEL).requires(LLM_CREDENTIALS_MANAGE)
        .announces(MODEL_ROUTES).audit("llm_model.delete").respond(this::deleteModel);
    routes.get(PROVIDER + "/available-models").requires(LLM_CREDENTIALS_MANAGE).respond(this::availableModels);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    ProviderScope scope = ProviderScope.of(ctx);
    Map<String, Object> columns = LlmInputs.providerCreate(RequestBody.of(ctx));
    return (scope.platform() ? Future.<Void>succeededFuture()
            : entitlements.requireEnabled(scope.orgId(), Entitlements.BYOK_ENABLED, "entitlement.byok_disabled"))
        .compose(allowed -> stored(columns)).compose(ready -> providers.create(scope.orgId(), ready));
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    ProviderScope scope = ProviderScope.of(ctx);
    UUID providerId = Params.pathId(ctx, "provider_id");
    Map<String, Object> changes = LlmInputs.providerPatch(RequestBody.of(ctx));
    return stored(changes)
        .compose(ready -> providers.update(scope.orgId(), providerId, ready))
        .compose(found -> found ? providers.get(scope.orgId(), providerId) : notFound());
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    ProviderScope scope = ProviderScope.of(ctx);
    return providers.delete(scope.orgId(), Params.pathId(ctx, "provider_id"))
        .compose(deleted -> deleted ? ok() : notFound());
  }

  private Future<JsonObject> createModel(RoutingContext ctx) {
    ProviderScope scope = ProviderScope.of(ctx);
    UUID providerId = Params.pathId(ctx, "provider_id");
    Map<String, Object> columns = LlmInputs.modelCreate(RequestBody.of(ctx));
    return provider(scope, providerId)
        .compose(found -> providers.createModel(providerId, columns));
  }

  private Future<JsonObject> updateModel(RoutingContext ctx) {
    ProviderScope scope = ProviderScope.of(ctx);
    UUID providerId = Params.pathId(ctx, "provider_id");
    UUID modelId = Params.pathId(ctx, "model_id");
    Map<String, Object> changes = LlmInputs.modelPatch(RequestBody.of(ctx));
    return provider(scope, providerId)
        .compose(found -> providers.updateModel(providerId, modelId, changes))
        .compose(model -> model == null ? Future.failedFuture(modelNotFound()) : Future.succeededFuture(model));
  }

  private Future<JsonObject> deleteModel(RoutingContext ctx) {
    ProviderScope scope = ProviderScope.of(ctx);
    UUID providerId = Params.pathId(ctx, "provider_id");
    UUID modelId = Params.pathId(ctx, "model_id");
    return provider(scope, providerId)
        .compose(found -> providers.deleteModel(providerId, modelId))
        .compose(deleted -> deleted ? ok() : Future.failedFuture(modelNotFound()));
  }

  private Future<JsonObject> availableModels(RoutingContext ctx) {
    ProviderScope scope = ProviderScope.of(ctx);
    UUID providerId = Params.pathId(ctx, "provider_id");
    return providers.credentials(scope.orgId(), providerId).compose(credentials -> {
      if (credentials == null) {
        return notFound();
      }
      String apiKey = box().open(credentials.sealedKey());
      return providers.modelNames(providerId)
          .compose(names -> upstream.list(credentials.provider(), credentials.baseUrl(), apiKey, names))
          .map(models -> new JsonObject().put("models", models));
    });
  }

  /** The columns as stored: the key sealed with its display prefix, the base URL checked. */
  private Future<Map<String, Object>> stored(Map<String, Object> columns) {
    String apiKey = (String) columns.remove(LlmInputs.API_KEY);
    if (apiKey != null) {
      columns.put("api_key_encrypted", box().seal(apiKey));
      columns.put("key_prefix", ProviderApi.keyPrefix(apiKey));
    }
    String baseUrl = (String) columns.get(LlmInputs.BASE_URL);
    if (baseUrl == null) {
      return Future.succeededFuture(columns);
    }
    return urls.validate(baseUrl).map(valid -> {
      columns.put(LlmInputs.BASE_URL, valid);
      return columns;
    });
  }

  private SecretBox box() {
    if (secrets == null) {
      throw new ApiException(503, "encryption.not_configured", "ARKLOOP_ENCRYPTION_KEY is not configured");
    }
    return secrets;
  }

  private Future<JsonObject> provider(ProviderScope scope, UUID providerId) {
    return providers.get(scope.orgId(), providerId)
        .compose(found -> found == null ? notFound() : Future.succeededFuture(found));
  }

  private static <T> Future<T> notFound() {
    return Future.failedFuture(new ApiException(404, "llm_providers.not_found", "LLM provider not found"));
  }

  private static ApiException modelNotFound() {
    return new ApiException(404, "llm_models.not_found", "LLM model not found");
  }

  private static Future<JsonObject> ok() {
    return Future.succeededFuture(new JsonObject().put("ok", true));
  }
}
