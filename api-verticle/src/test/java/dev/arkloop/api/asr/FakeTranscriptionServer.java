package dev.arkloop.api.asr;

import dev.arkloop.common.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A small OpenAI-compatible transcription endpoint: {@code POST /v1/audio/transcriptions} with a
 * multipart body. It checks the key, reads the file part as a stream (counting, never keeping it)
 * and answers with what it saw, so tests can assert the body that arrived.
 */
final class FakeTranscriptionServer {
  final AtomicLong fileBytesReceived = new AtomicLong();
  final AtomicReference<JsonObject> lastRequest = new AtomicReference<>();
  volatile int failWithStatus;
  private final HttpServer server;
  private final String expectedKey;

  private FakeTranscriptionServer(HttpServer server, String expectedKey) {
    this.server = server;
    this.expectedKey = expectedKey;
  }

  static FakeTranscriptionServer start(Vertx vertx, String expectedKey) {
    HttpServer server = vertx.createHttpServer();
    FakeTranscriptionServer fake = new FakeTranscriptionServer(server, expectedKey);
    server.requestHandler(request -> {
      if (!request.path().equals("/v1/audio/transcriptions")) {
        request.response().setStatusCode(404).end();
        return;
      }
      String auth = request.getHeader("Authorization");
      String type = String.valueOf(request.getHeader("Content-Type"));
      request.setExpectMultipart(true);
      JsonObject seen = new JsonObject().put("content_type", type).put("authorization", auth);
      AtomicLong thisFile = new AtomicLong();
      request.uploadHandler(upload -> {
        seen.put("file_field", upload.name()).put("filename", upload.filename()).put("file_type", upload.contentType());
        upload.handler(chunk -> {
          thisFile.addAndGet(chunk.length());
          fake.fileBytesReceived.addAndGet(chunk.length());
        });
      });
      request.endHandler(v -> {
        seen.put("file_bytes", thisFile.get()).put("model", request.getFormAttribute("model"))
            .put("language", request.getFormAttribute("language"))
            .put("response_format", request.getFormAttribute("response_format"));
        fake.lastRequest.set(seen);
        if (fake.failWithStatus != 0) {
          request.response().setStatusCode(fake.failWithStatus)
              .end(new JsonObject().put("error", "bad key " + auth).encode());
          return;
        }
        if (!("Bearer " + fake.expectedKey).equals(auth)) {
          request.response().setStatusCode(401).end("{\"error\":\"unauthorized\"}");
          return;
        }
        request.response().putHeader("Content-Type", "application/json").end(new JsonObject()
            .put("text", "heard " + thisFile.get() + " bytes").put("language", "english").put("duration", 1.5)
            .encode());
      });
    });
    Await.await(server.listen(0, "127.0.0.1"));
    return fake;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.actualPort() + "/v1";
  }
}
