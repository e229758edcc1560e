package dev.arkloop.worker.llm;

import io.vertx.core.json.JsonObject;

/** One upstream API's streaming dialect: where to post, the request body, and how to read the answer. */
interface WireFormat {

  /** Appended to the provider's base URL. */
  String path();

  /** The request for {@code request}, with the model's effective advanced settings (may be null). */
  JsonObject body(LlmRequest request, JsonObject advanced);

  StreamDecoder decoder(LlmListener listener, String apiKey);
}
