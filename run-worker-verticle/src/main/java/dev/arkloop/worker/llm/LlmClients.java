package dev.arkloop.worker.llm;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.llm.ProviderApi;
import dev.arkloop.common.net.OutboundGuard;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * Makes the streaming client of a provider. All clients of a worker share one pooled Vert.x HTTP
 * client: a call holds a connection only while it streams, and no call holds a thread.
 */
public final class LlmClients {
  public static final String MODE_AUTO = "auto";
  public static final String MODE_RESPONSES = "responses";
  public static final String MODE_CHAT_COMPLETIONS = "chat_completions";
  private static final String OFFICIAL_OPENAI_HOST = "api.openai.com";

  private static final WireFormat CHAT_COMPLETIONS = new ChatCompletionsFormat();
  private static final WireFormat RESPONSES = new ResponsesFormat();
  private static final WireFormat ANTHROPIC = new AnthropicFormat();

  private final StreamingHttp http;

  public LlmClients(StreamingHttp http) {
    this.http = http;
  }

  /** Clients over a new HTTP client of {@code vertx} (create it in the verticle that uses it). */
  public static LlmClients create(Vertx vertx, ArkloopConfig.Llm settings) {
    var client = vertx.createHttpClient(new HttpClientOptions().setName("arkloop-llm").setKeepAlive(true)
            .setKeepAliveTimeout(30).setIdleTimeout(0).setDecompressionSupported(true),
        new PoolOptions().setHttp1MaxSize(256));
    return new LlmClients(new StreamingHttp(vertx, client, new OutboundGuard(vertx, settings.allowPrivateProviderUrls()),
        settings));
  }

  /** The client for {@code endpoint}; {@code advanced} is the model's effective advanced settings (may be null). */
  public LlmProvider create(Endpoint endpoint, String openaiApiMode, JsonObject advanced) {
    WireFormat format = ProviderApi.ANTHROPIC.equals(endpoint.kind()) ? ANTHROPIC
        : usesResponses(endpoint.baseUrl(), openaiApiMode) ? RESPONSES : CHAT_COMPLETIONS;
    return new StreamingClient(http, endpoint, advanced, format);
  }

  /**
   * Which OpenAI API a provider speaks: as configured, and for {@code auto} (or unset) the Responses
   * API on the official {@code api.openai.com}, Chat Completions anywhere else, because most
   * OpenAI-compatible servers (vLLM, Ollama, LiteLLM, OpenRouter, ...) only implement that one.
   */
  static boolean usesResponses(String baseUrl, String mode) {
    if (MODE_RESPONSES.equals(mode)) {
      return true;
    }
    if (MODE_CHAT_COMPLETIONS.equals(mode)) {
      return false;
    }
    try {
      return OFFICIAL_OPENAI_HOST.equalsIgnoreCase(URI.create(baseUrl).getHost());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
