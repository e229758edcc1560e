package dev.arkloop.api.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.regex.Pattern;

/**
 * Reads request bodies up to the JSON body limit, except on the routes that take a raw stream
 * (workspace file uploads, bounded by their own limit): there the request is paused until the route
 * has authenticated the caller and reads the body itself, and resumed when the response ends so
 * whatever it did not read is drained.
 */
public final class JsonBodyHandler implements Handler<RoutingContext> {
  private static final Pattern STREAMED_UPLOAD = Pattern.compile("^/v1/projects/[^/]+/workspace/file$");
  /** Audio to transcribe, relayed to the upstream as it arrives. */
  private static final String STREAMED_TRANSCRIPTION = "/v1/asr/transcribe";
  private final BodyHandler bodies;

  public JsonBodyHandler(int maxBodyBytes) {
    this.bodies = BodyHandler.create(false).setBodyLimit(maxBodyBytes);
  }

  @Override
  public void handle(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    if (request.method() == HttpMethod.PUT && STREAMED_UPLOAD.matcher(ctx.normalizedPath()).matches()
        || request.method() == HttpMethod.POST && STREAMED_TRANSCRIPTION.equals(ctx.normalizedPath())) {
      request.pause();
      ctx.addEndHandler(ended -> request.resume());
      ctx.next();
      return;
    }
    bodies.handle(ctx);
  }
}
