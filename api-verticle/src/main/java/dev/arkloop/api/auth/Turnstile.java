package dev.arkloop.api.auth;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Cloudflare Turnstile checks of {@code cf_turnstile_token}, when a secret key is configured. */
public final class Turnstile {
  private static final Logger LOG = LoggerFactory.getLogger(Turnstile.class);
  private final ArkloopConfig.Turnstile settings;
  private final WebClient client;

  public Turnstile(Vertx vertx, ArkloopConfig.Turnstile settings) {
    this.settings = settings;
    this.client = settings.enabled()
        ? WebClient.create(vertx, new WebClientOptions().setConnectTimeout(5_000).setIdleTimeout(10))
        : null;
  }

  public JsonObject publicConfig() {
    return new JsonObject().put("enabled", settings.enabled()).put("site_key", settings.siteKey());
  }

  /** Succeeds when Turnstile is off or the token verifies; else 422 {@code auth.captcha_invalid}. */
  public Future<Void> verify(String token, String clientIp) {
    if (!settings.enabled()) {
      return Future.succeededFuture();
    }
    if (token == null || token.isBlank()) {
      return Future.failedFuture(invalid());
    }
    MultiMap form = MultiMap.caseInsensitiveMultiMap()
        .add("secret", settings.secretKey())
        .add("response", token)
        .add("remoteip", clientIp);
    return client.postAbs(settings.verifyUrl()).timeout(10_000).sendForm(form)
        .recover(e -> {
          LOG.warn("Turnstile verification unreachable: {}", e.toString());
          return Future.failedFuture(new ApiException(503, "auth.captcha_unavailable",
              "captcha verification is unavailable"));
        })
        .compose(response -> {
          JsonObject body = response.statusCode() == 200 ? safeJson(response.bodyAsString()) : new JsonObject();
          boolean hostOk = settings.allowedHost() == null || settings.allowedHost().equals(body.getString("hostname"));
          return Boolean.TRUE.equals(body.getBoolean("success")) && hostOk
              ? Future.succeededFuture() : Future.failedFuture(invalid());
        });
  }

  private static JsonObject safeJson(String text) {
    try {
      return new JsonObject(text);
    } catch (RuntimeException e) {
      return new JsonObject();
    }
  }

  private static ApiException invalid() {
    return new ApiException(422, "auth.captcha_invalid", "captcha verification failed",
        new JsonObject().put("field", "cf_turnstile_token"));
  }
}
