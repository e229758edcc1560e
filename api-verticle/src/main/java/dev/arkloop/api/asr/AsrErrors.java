package dev.arkloop.api.asr;

import dev.arkloop.common.error.ApiException;
import io.vertx.core.json.JsonObject;

/** Errors of the transcription endpoint. The upstream's own text never passes: it may echo the key. */
final class AsrErrors {
  private AsrErrors() {}

  static ApiException upstream(Integer upstreamStatus, String message) {
    JsonObject details = new JsonObject();
    if (upstreamStatus != null) {
      details.put("upstream_status", upstreamStatus);
    }
    return new ApiException(502, "asr.upstream_error", message, details);
  }

  static ApiException notConfigured() {
    return new ApiException(422, "asr.not_configured", "no speech-to-text credential is configured");
  }
}
