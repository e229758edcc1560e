package dev.arkloop.worker.llm;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** A provider's model client: its endpoint and advanced settings, spoken in its wire format over {@link StreamingHttp}. */
final class StreamingClient implements LlmProvider {
  private final StreamingHttp http;
  private final Endpoint endpoint;
  private final JsonObject advanced;
  private final WireFormat format;

  StreamingClient(StreamingHttp http, Endpoint endpoint, JsonObject advanced, WireFormat format) {
    this.http = http;
    this.endpoint = endpoint;
    this.advanced = advanced;
    this.format = format;
  }

  @Override
  public Future<LlmTurn> stream(LlmRequest request, LlmListener listener, Future<Void> cancel) {
    return http.post(endpoint, format.path(), format.body(request, advanced),
        format.decoder(listener, endpoint.apiKey()), cancel);
  }
}
