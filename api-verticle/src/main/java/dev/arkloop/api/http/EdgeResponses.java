package dev.arkloop.api.http;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/**
 * Error envelopes written straight onto a connection, below Vert.x, for what is refused before a
 * request reaches the router (a broken chunked body, a timeout, too many connections). The
 * connection is closed after the response.
 */
final class EdgeResponses {
  private EdgeResponses() {}

  /** Writes {@code error} as the envelope with a fresh trace id and closes; returns the trace id. */
  static String respondAndClose(ChannelHandlerContext ctx, ApiException error, String retryAfter) {
    String traceId = Ids.newTraceId();
    byte[] body = ErrorHandler.envelope(error, traceId).encode().getBytes(StandardCharsets.UTF_8);
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
        HttpResponseStatus.valueOf(error.status()), Unpooled.wrappedBuffer(body));
    response.headers()
        .set(HttpHeaderNames.CONTENT_TYPE, "application/json; charset=utf-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
        .set(HttpHeaderNames.CONNECTION, "close")
        .set(TraceIdHandler.HEADER, traceId);
    if (retryAfter != null) {
      response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfter);
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    return traceId;
  }
}
