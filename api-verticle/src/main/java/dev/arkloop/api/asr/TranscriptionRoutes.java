package dev.arkloop.api.asr;

import static dev.arkloop.api.http.Permissions.RUNS_WRITE;

import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/**
 * {@code POST /v1/asr/transcribe}: {@code multipart/form-data} with {@code file} and {@code language?},
 * relayed to the credential in use as it arrives (the body handler leaves this route's request paused;
 * the file is never held whole).
 */
public final class TranscriptionRoutes {
  static final String PATH = "/v1/asr/transcribe";
  private final AsrCredentialRepository credentials;
  private final Transcriber transcriber;
  private final SecretBox secrets;

  TranscriptionRoutes(AsrCredentialRepository credentials, Transcriber transcriber, SecretBox secrets) {
    this.credentials = credentials;
    this.transcriber = transcriber;
    this.secrets = secrets;
  }

  public void mount(Routes routes) {
    routes.post(PATH).requires(RUNS_WRITE).respond(this::transcribe);
  }

  private Future<JsonObject> transcribe(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      throw new ApiException(415, "validation.unsupported_media_type", "send multipart/form-data with a file part",
          new JsonObject().put("field", "file"));
    }
    return credentials.defaultFor(Principal.of(ctx).orgId()).compose(inUse -> {
      if (inUse == null) {
        return Future.failedFuture(AsrErrors.notConfigured());
      }
      if (secrets == null) {
        return Future.failedFuture(new ApiException(503, "encryption.not_configured",
            "ARKLOOP_ENCRYPTION_KEY is not configured"));
      }
      return transcriber.relay(ctx, inUse, secrets.open(inUse.sealedKey()));
    });
  }
}
