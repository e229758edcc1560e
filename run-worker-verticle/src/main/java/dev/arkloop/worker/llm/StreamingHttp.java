package dev.arkloop.worker.llm;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.net.OutboundGuard;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.net.URI;

/**
 * Streams one LLM call over the shared Vert.x HTTP client: POSTs the JSON body, feeds the event
 * stream to a {@link StreamDecoder}, and ends the call exactly once. A watchdog timer enforces the
 * first-byte timeout (request sent to response head) and then the idle timeout (silence between
 * chunks); a completed {@code cancel} resets the request at once, closing the upstream connection.
 */
public final class StreamingHttp {
  private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
  private final Vertx vertx;
  private final HttpClient client;
  private final OutboundGuard guard;
  private final ArkloopConfig.Llm settings;

  public StreamingHttp(Vertx vertx, HttpClient client, OutboundGuard guard, ArkloopConfig.Llm settings) {
    this.vertx = vertx;
    this.client = client;
    this.guard = guard;
    this.settings = settings;
  }

  Future<LlmTurn> post(Endpoint endpoint, String path, JsonObject body, StreamDecoder decoder, Future<Void> cancel) {
    return new Call(endpoint, URI.create(endpoint.baseUrl() + path), body, decoder).start(cancel);
  }

  /** One call's state; every callback runs on the caller's event loop. */
  private final class Call {
    private final Endpoint endpoint;
    private final URI uri;
    private final JsonObject body;
    private final StreamDecoder decoder;
    private final Promise<LlmTurn> result = Promise.promise();
    private HttpClientRequest request;
    private long watchdog = -1;

    Call(Endpoint endpoint, URI uri, JsonObject body, StreamDecoder decoder) {
      this.endpoint = endpoint;
      this.uri = uri;
      this.body = body;
      this.decoder = decoder;
    }

    Future<LlmTurn> start(Future<Void> cancel) {
      if (cancel.isComplete()) {
        return Future.failedFuture(LlmException.cancelled());
      }
      cancel.onComplete(v -> fail(LlmException.cancelled()));
      Future<SocketAddress> address = endpoint.trusted() ? Future.succeededFuture() : guard.resolve(uri);
      address.onFailure(e -> fail(refused(e))).onSuccess(this::connect);
      return result.future();
    }

    private void connect(SocketAddress address) {
      if (done()) {
        return;
      }
      RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(uri.toString())
          .setConnectTimeout(settings.connectTimeoutMs())
          .putHeader("Content-Type", "application/json")
          .putHeader("Accept", "text/event-stream");
      if (address != null) {
        options.setServer(address);
      }
      endpoint.authHeaders().forEach(options::putHeader);
      client.request(options).onComplete(connected -> {
        if (connected.failed()) {
          fail(unreachable(connected.cause()));
          return;
        }
        request = connected.result();
        if (done()) {
          request.reset();
          return;
        }
        arm(settings.firstByteTimeoutMs(), "the provider sent no response within " + settings.firstByteTimeoutMs()
            + " ms");
        request.send(body.toBuffer()).onComplete(answered -> {
          if (answered.failed()) {
            fail(unreachable(answered.cause()));
          } else {
            receive(answered.result());
          }
        });
      });
    }

    private void receive(HttpClientResponse response) {
      if (done()) {
        return;
      }
      arm(settings.idleTimeoutMs(), idleMessage());
      response.exceptionHandler(e -> fail(new LlmException("provider.unavailable",
          "the provider's stream broke off (" + e.getClass().getSimpleName() + ")", true)));
      if (response.statusCode() / 100 != 2) {
        Buffer error = Buffer.buffer();
        response.handler(chunk -> {
          arm(settings.idleTimeoutMs(), idleMessage());
          if (error.length() < MAX_ERROR_BODY_BYTES) {
            error.appendBuffer(chunk);
          }
        });
        response.endHandler(v -> fail(ProviderErrors.status(response.statusCode(), response.headers(), error,
            endpoint.apiKey())));
        return;
      }
      SseParser parser = new SseParser(decoder::onEvent);
      response.handler(chunk -> {
        if (done()) {
          return;
        }
        arm(settings.idleTimeoutMs(), idleMessage());
        decode(() -> parser.feed(chunk));
      });
      response.endHandler(v -> {
        if (!done()) {
          decode(() -> {
            parser.end();
            succeed(decoder.finish());
          });
        }
      });
    }

    /** Runs decoder work; a completed stream ends the call without waiting for the connection to end. */
    private void decode(Runnable step) {
      try {
        step.run();
        if (!done() && decoder.complete()) {
          succeed(decoder.finish());
        }
      } catch (LlmException e) {
        fail(e);
      } catch (RuntimeException e) {
        fail(LlmException.protocol("the provider's stream is malformed (" + e.getClass().getSimpleName() + ")"));
      }
    }

    private void arm(long millis, String message) {
      vertx.cancelTimer(watchdog);
      watchdog = vertx.setTimer(millis, id -> fail(new LlmException("provider.timeout", message, true)));
    }

    private String idleMessage() {
      return "the provider's stream was silent for " + settings.idleTimeoutMs() + " ms";
    }

    private boolean done() {
      return result.future().isComplete();
    }

    private void succeed(LlmTurn turn) {
      if (result.tryComplete(turn)) {
        vertx.cancelTimer(watchdog);
      }
    }

    private void fail(LlmException failure) {
      if (result.tryFail(failure)) {
        vertx.cancelTimer(watchdog);
        if (request != null) {
          request.reset(0, failure); // closes the HTTP/1.1 connection: the upstream stops generating
        }
      }
    }
  }

  private static LlmException refused(Throwable e) {
    if (e instanceof OutboundGuard.Refused refused && !refused.unresolved()) {
      return new LlmException("provider.unavailable", "the provider's base URL points at a private address, "
          + "which ARKLOOP_ALLOW_PRIVATE_PROVIDER_URLS does not allow", false);
    }
    return new LlmException("provider.unavailable", "the provider's host does not resolve", true);
  }

  private static LlmException unreachable(Throwable e) {
    if (e instanceof io.netty.channel.ConnectTimeoutException) {
      return new LlmException("provider.timeout", "connecting to the provider timed out", true);
    }
    return new LlmException("provider.unavailable",
        "the provider could not be reached (" + e.getClass().getSimpleName() + ")", true);
  }
}
