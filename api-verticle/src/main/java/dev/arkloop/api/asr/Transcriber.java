package dev.arkloop.api.asr;

import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerFileUpload;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * Relays one upload to an OpenAI-compatible {@code POST {base}/audio/transcriptions}: the request to
 * the upstream is opened first, then the client's multipart body is read and its file part written
 * on as it arrives, with back-pressure both ways, so memory holds a few chunks, never the file.
 * Fields that come after the file (the original web client sends {@code language} last) are added
 * once the client's body has ended.
 */
final class Transcriber {
  static final long MAX_FILE_BYTES = 25L * 1024 * 1024;
  static final String OPENAI_BASE = "https://api.openai.com/v1";
  static final String GROQ_BASE = "https://api.groq.com/openai/v1";
  private static final int MAX_ANSWER_BYTES = 1024 * 1024;
  private static final long UPSTREAM_TIMEOUT_MS = 300_000;

  private final HttpClient http;
  private final AsrAddressPolicy addresses;
  private final int connectTimeoutMs;

  Transcriber(HttpClient http, AsrAddressPolicy addresses, int connectTimeoutMs) {
    this.http = http;
    this.addresses = addresses;
    this.connectTimeoutMs = connectTimeoutMs;
  }

  static String baseUrl(AsrCredentialRepository.InUse inUse) {
    if (inUse.baseUrl() != null) {
      return inUse.baseUrl();
    }
    return "groq".equals(inUse.provider()) ? GROQ_BASE : OPENAI_BASE;
  }

  Future<JsonObject> relay(RoutingContext ctx, AsrCredentialRepository.InUse inUse, String apiKey) {
    URI url = URI.create(baseUrl(inUse) + "/audio/transcriptions");
    return addresses.destination(url)
        .compose(address -> {
          RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setAbsoluteURI(url.toString())
              .setConnectTimeout(connectTimeoutMs);
          if (address != null) {
            options.setServer(address);
          }
          return http.request(options);
        })
        .recover(e -> Future.failedFuture(e instanceof ApiException ? e
            : AsrErrors.upstream(null, "the transcription service cannot be reached")))
        .compose(upstream -> new Relay(ctx.request(), upstream, inUse.model(), apiKey).run());
  }

  /** One upload on its way: the client's request in, the upstream request out. */
  private static final class Relay {
    private final HttpServerRequest in;
    private final HttpClientRequest out;
    private final String model;
    private final String apiKey;
    private final String boundary = "arkloop-" + Tokens.random(18);
    private final Promise<JsonObject> answer = Promise.promise();
    private long fileBytes;
    private boolean sawFile;

    Relay(HttpServerRequest in, HttpClientRequest out, String model, String apiKey) {
      this.in = in;
      this.out = out;
      this.model = model;
      this.apiKey = apiKey;
    }

    Future<JsonObject> run() {
      out.setChunked(true)
          .putHeader(HttpHeaders.CONTENT_TYPE, "multipart/form-data; boundary=" + boundary)
          .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
          .putHeader(HttpHeaders.ACCEPT, "application/json");
      out.exceptionHandler(e -> fail(AsrErrors.upstream(null, "the transcription service failed")));
      out.response().compose(this::read).onComplete(result -> {
        if (result.succeeded()) {
          answer.tryComplete(result.result());
        } else {
          fail(result.cause());
        }
      });
      out.write(field("model", model));
      out.write(field("response_format", model.startsWith("whisper") ? "verbose_json" : "json"));
      in.setExpectMultipart(true);
      in.uploadHandler(this::upload);
      in.exceptionHandler(this::fail);
      in.endHandler(v -> finish());
      if ("100-continue".equalsIgnoreCase(in.getHeader(HttpHeaders.EXPECT))) {
        in.response().writeContinue();
      }
      in.resume();
      return answer.future().timeout(UPSTREAM_TIMEOUT_MS, TimeUnit.MILLISECONDS)
          .onFailure(e -> out.reset());
    }

    private void upload(HttpServerFileUpload upload) {
      if (!"file".equals(upload.name()) || sawFile) {
        upload.handler(ignored -> { }); // a second file, or another file field: not sent on
        return;
      }
      sawFile = true;
      String type = upload.contentType() == null || upload.contentType().isBlank()
          ? "application/octet-stream" : upload.contentType();
      out.write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\""
          + safe(upload.filename()) + "\"\r\nContent-Type: " + safe(type) + "\r\n\r\n");
      upload.handler(chunk -> {
        if (answer.future().isComplete()) {
          return; // refused or failed: the rest is drained and dropped
        }
        fileBytes += chunk.length();
        if (fileBytes > MAX_FILE_BYTES) {
          fail(new ApiException(413, "validation.body_too_large", "file is larger than " + MAX_FILE_BYTES + " bytes",
              new JsonObject().put("field", "file").put("max_bytes", MAX_FILE_BYTES)));
          return;
        }
        out.write(chunk);
        if (out.writeQueueFull()) {
          upload.pause();
          out.drainHandler(v -> upload.resume());
        }
      });
      upload.exceptionHandler(this::fail);
      upload.endHandler(v -> out.write("\r\n"));
    }

    private void finish() {
      if (answer.future().isComplete()) {
        return;
      }
      if (!sawFile) {
        fail(ApiException.invalid("file", "file is required"));
        return;
      }
      String language = in.getFormAttribute("language");
      if (language != null && !language.isBlank()) {
        if (!language.matches("[A-Za-z-]{2,16}")) {
          fail(ApiException.invalid("language", "language must be a language code such as en or zh"));
          return;
        }
        out.write(field("language", language));
      }
      out.end("--" + boundary + "--\r\n");
    }

    private Future<JsonObject> read(HttpClientResponse response) {
      if (response.statusCode() / 100 != 2) {
        response.handler(ignored -> { });
        return Future.failedFuture(AsrErrors.upstream(response.statusCode(),
            "the transcription service answered HTTP " + response.statusCode()));
      }
      Promise<Buffer> body = Promise.promise();
      Buffer bytes = Buffer.buffer();
      response.handler(chunk -> {
        bytes.appendBuffer(chunk);
        if (bytes.length() > MAX_ANSWER_BYTES) {
          body.tryFail(AsrErrors.upstream(response.statusCode(), "the transcription answer is too large"));
          out.reset();
        }
      });
      response.exceptionHandler(body::tryFail);
      response.endHandler(v -> body.tryComplete(bytes));
      return body.future().compose(Relay::shape);
    }

    private static Future<JsonObject> shape(Buffer body) {
      JsonObject upstream;
      try {
        upstream = new JsonObject(body);
      } catch (DecodeException | ClassCastException e) {
        return Future.failedFuture(AsrErrors.upstream(200, "the transcription answer is not JSON"));
      }
      if (!(upstream.getValue("text") instanceof String text)) {
        return Future.failedFuture(AsrErrors.upstream(200, "the transcription answer has no text"));
      }
      JsonObject shaped = new JsonObject().put("text", text);
      if (upstream.getValue("language") instanceof String language) {
        shaped.put("language", language);
      }
      if (upstream.getValue("duration") instanceof Number duration) {
        shaped.put("duration_s", duration.doubleValue());
      }
      return Future.succeededFuture(shaped);
    }

    private void fail(Throwable failure) {
      if (answer.tryFail(failure)) {
        out.reset();
      }
    }

    private String field(String name, String value) {
      return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    /** A header value from the client, without what could break out of it. */
    private static String safe(String value) {
      return value == null ? "audio" : value.replaceAll("[\"\\r\\n\\\\]", "_");
    }
  }
}
