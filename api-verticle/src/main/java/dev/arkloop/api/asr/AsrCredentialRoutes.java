package dev.arkloop.api.asr;

import static dev.arkloop.api.http.Permissions.LLM_CREDENTIALS_MANAGE;
import static dev.arkloop.api.http.Permissions.THREADS_READ;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.http.ScopeParam;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.llm.ProviderApi;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/**
 * Speech-to-text credentials (API.md §5.4): an account's, or with {@code scope=platform} the
 * platform's. Keys are sealed with {@link SecretBox} and never come back ({@code key_prefix} only);
 * one default per scope.
 */
public final class AsrCredentialRoutes {
  static final String BASE = "/v1/asr-credentials";
  private final AsrCredentialRepository credentials;
  private final AsrAddressPolicy addresses;
  private final SecretBox secrets;

  AsrCredentialRoutes(AsrCredentialRepository credentials, AsrAddressPolicy addresses, SecretBox secrets) {
    this.credentials = credentials;
    this.addresses = addresses;
    this.secrets = secrets;
  }

  public void mount(Routes routes) {
    String one = BASE + "/:credential_id";
    routes.get(BASE).requires(THREADS_READ).respond(ctx ->
        credentials.listVisible(Principal.of(ctx).orgId()));
    routes.post(BASE).requires(LLM_CREDENTIALS_MANAGE).status(201).audit("asr_credential.create").respond(this::create);
    routes.put(one).requires(LLM_CREDENTIALS_MANAGE).audit("asr_credential.update").respond(this::update);
    routes.patch(one).requires(LLM_CREDENTIALS_MANAGE).audit("asr_credential.update").respond(this::update);
    routes.delete(one).requires(LLM_CREDENTIALS_MANAGE).audit("asr_credential.delete").respond(ctx -> {
      UUID orgId = scopeOrg(ctx);
      return credentials.delete(orgId, Params.pathId(ctx, "credential_id"))
          .compose(deleted -> deleted ? ok() : Future.failedFuture(notFound()));
    });
    routes.post(one + "/set-default").requires(LLM_CREDENTIALS_MANAGE).audit("asr_credential.set_default")
        .respond(ctx -> credentials.setDefault(scopeOrg(ctx), Params.pathId(ctx, "credential_id"))
            .compose(done -> done ? ok() : Future.failedFuture(notFound())));
  }

  /** The account the call manages, or null for the platform ({@code scope=platform}, platform admins). */
  private static UUID scopeOrg(RoutingContext ctx) {
    String scope = ScopeParam.of(ctx, ScopeParam.ORG, LLM_CREDENTIALS_MANAGE);
    return ScopeParam.PLATFORM.equals(scope) ? null : Principal.of(ctx).orgId();
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    UUID orgId = scopeOrg(ctx);
    RequestBody body = RequestBody.of(ctx);
    String name = Fields.length("name", body.string("name").trim(), 1, 200);
    String provider = Fields.oneOf("provider", body.string("provider"), "openai", "groq");
    String apiKey = Fields.length("api_key", body.string("api_key"), 1, 4096);
    String model = Fields.length("model", body.string("model").trim(), 1, 200);
    String baseUrl = body.optionalString("base_url");
    Boolean isDefault = body.optionalBoolean("is_default");
    String sealed = box().seal(apiKey);
    return (baseUrl == null ? Future.<String>succeededFuture() : addresses.validate(baseUrl))
        .compose(url -> credentials.create(orgId, provider, name, sealed, ProviderApi.keyPrefix(apiKey), url, model,
            isDefault != null && isDefault));
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    UUID orgId = scopeOrg(ctx);
    UUID id = Params.pathId(ctx, "credential_id");
    RequestBody body = RequestBody.of(ctx);
    String name = body.has("name") ? Fields.length("name", body.string("name").trim(), 1, 200) : null;
    String model = body.has("model") ? Fields.length("model", body.string("model").trim(), 1, 200) : null;
    String apiKey = body.has("api_key") ? Fields.length("api_key", body.string("api_key"), 1, 4096) : null;
    boolean clearBaseUrl = body.has("base_url") && body.isNull("base_url");
    String baseUrl = clearBaseUrl ? null : body.optionalString("base_url");
    Boolean isDefault = body.optionalBoolean("is_default");
    String sealed = apiKey == null ? null : box().seal(apiKey);
    return (baseUrl == null ? Future.<String>succeededFuture() : addresses.validate(baseUrl))
        .compose(url -> credentials.update(orgId, id, name, sealed, apiKey == null ? null : ProviderApi.keyPrefix(apiKey),
            url, clearBaseUrl, model, isDefault))
        .compose(updated -> updated == null ? Future.failedFuture(notFound()) : Future.succeededFuture(updated));
  }

  private SecretBox box() {
    if (secrets == null) {
      throw new ApiException(503, "encryption.not_configured", "ARKLOOP_ENCRYPTION_KEY is not configured");
    }
    return secrets;
  }

  private static Future<JsonObject> ok() {
    return Future.succeededFuture(new JsonObject().put("ok", true));
  }

  static ApiException notFound() {
    return ApiException.notFound("asr_credentials");
  }
}
