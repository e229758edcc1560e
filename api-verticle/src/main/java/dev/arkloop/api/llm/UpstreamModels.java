package dev.arkloop.api.llm;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.llm.ProviderApi;
import dev.arkloop.common.net.OutboundGuard;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * Asks a provider's upstream for its model catalogue ({@code GET {base}/models} for OpenAI-compatible
 * APIs, {@code GET {base}/v1/models} for Anthropic). Upstream failures answer 502 (504 on timeout)
 * with the {@code provider.*} class as the code; the upstream's own error text is not passed on,
 * because some APIs echo part of the key in it.
 */
final class UpstreamModels {
  private static final int MAX_BODY_BYTES = 8 * 1024 * 1024;
  private final HttpClient http;
  private final OutboundGuard guard;
  private final ArkloopConfig.Llm settings;

  UpstreamModels(HttpClient http, OutboundGuard guard, ArkloopConfig.Llm settings) {
    this.http = http;
    this.guard = guard;
    this.settings = settings;
  }

  /** {@code [{id, name, configured}]} in the upstream's order. */
  Future<JsonArray> list(String kind, String baseUrl, String apiKey, Collection<String> configured) {
    URI url = URI.create(ProviderApi.modelsUrl(kind, ProviderApi.baseUrl(kind, baseUrl)));
    return guard.resolve(url)
        .recover(e -> Future.failedFuture(upstream(502, "provider.unavailable", "the provider's address is refused")))
        .compose(address -> {
          RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(url.toString())
              .setConnectTimeout(settings.connectTimeoutMs());
          if (address != null) {
            options.setServer(address);
          }
          ProviderApi.authHeaders(kind, apiKey).forEach(options::putHeader);
          return http.request(options).compose(request -> request.send().compose(this::body)
              .timeout(settings.firstByteTimeoutMs(), TimeUnit.MILLISECONDS)
              .onFailure(e -> request.reset()));
        })
        .recover(e -> Future.failedFuture(e instanceof ApiException ? e : failure(e)))
        .map(body -> catalogue(body, configured));
  }

  private Future<Buffer> body(HttpClientResponse response) {
    response.exceptionHandler(ignored -> { }); // failures below are reported through the returned future
    if (response.statusCode() / 100 != 2) {
      response.request().reset();
      int status = response.statusCode();
      return Future.failedFuture(upstream(502, ProviderApi.errorClass(status),
          "the provider answered HTTP " + status));
    }
    Promise<Buffer> done = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      body.appendBuffer(chunk);
      if (body.length() > MAX_BODY_BYTES) {
        response.request().reset();
        done.tryFail(upstream(502, "provider.protocol_error", "the provider's model list is too large"));
      }
    });
    response.exceptionHandler(done::tryFail);
    response.endHandler(v -> done.tryComplete(body));
    return done.future();
  }

  private static JsonArray catalogue(Buffer body, Collection<String> configured) {
    JsonArray data;
    try {
      data = new JsonObject(body).getJsonArray("data");
    } catch (DecodeException | ClassCastException e) {
      throw upstream(502, "provider.protocol_error", "the provider's model list is not the expected JSON");
    }
    JsonArray models = new JsonArray();
    if (data == null) {
      throw upstream(502, "provider.protocol_error", "the provider's model list has no data");
    }
    for (Object item : data) {
      if (item instanceof JsonObject model && model.getValue("id") instanceof String id) {
        Object display = model.getValue("display_name");
        models.add(new JsonObject().put("id", id).put("name", display instanceof String name ? name : id)
            .put("configured", configured.contains(id)));
      }
    }
    return models;
  }

  private static ApiException failure(Throwable e) {
    if (e instanceof java.util.concurrent.TimeoutException || e instanceof io.netty.channel.ConnectTimeoutException) {
      return upstream(504, "provider.timeout", "the provider did not answer in time");
    }
    return upstream(502, "provider.unavailable", "the provider could not be reached");
  }

  private static ApiException upstream(int status, String code, String message) {
    return new ApiException(status, code, message);
  }
}
