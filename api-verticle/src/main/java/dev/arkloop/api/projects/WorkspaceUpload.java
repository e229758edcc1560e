package dev.arkloop.api.projects;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.workspace.BlobContent;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads a raw upload body (the JSON body handler skips this route and leaves the request paused),
 * hashing it as it arrives and refusing it with 413 as soon as it exceeds the limit. Bytes after a
 * refusal are drained and dropped so the client can still read the answer.
 */
final class WorkspaceUpload {
  private WorkspaceUpload() {}

  static Future<BlobContent> read(RoutingContext ctx, int maxBytes) {
    HttpServerRequest request = ctx.request();
    String declared = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (declared != null && declaredTooLarge(declared, maxBytes)) {
      return Future.failedFuture(tooLarge(maxBytes));
    }
    if (request.isEnded()) {
      return Future.succeededFuture(BlobContent.of(Buffer.buffer()));
    }
    Promise<BlobContent> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    BlobContent.Hasher hasher = new BlobContent.Hasher();
    request.handler(chunk -> {
      if (promise.future().isComplete()) {
        return;
      }
      if (body.length() + chunk.length() > maxBytes) {
        promise.tryFail(tooLarge(maxBytes));
        return;
      }
      body.appendBuffer(chunk);
      hasher.update(chunk);
    });
    request.endHandler(v -> promise.tryComplete(new BlobContent(body, hasher.hex())));
    request.exceptionHandler(promise::tryFail);
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      ctx.response().writeContinue();
    }
    request.resume();
    return promise.future();
  }

  private static boolean declaredTooLarge(String declared, int maxBytes) {
    try {
      return Long.parseLong(declared.trim()) > maxBytes;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static ApiException tooLarge(int maxBytes) {
    return new ApiException(413, "validation.body_too_large", "file is larger than " + maxBytes + " bytes",
        new JsonObject().put("max_bytes", maxBytes));
  }
}
