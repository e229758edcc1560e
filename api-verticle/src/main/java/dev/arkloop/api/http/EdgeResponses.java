package dev.arkloop.api.http;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.ids.Ids;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * Error envelopes written straight onto a connection, below Vert.x, for what is refused before a
 * request reaches the router (a broken chunked body, a timeout, too many connections). The bytes go
 * to the socket as they are, past the pipeline's response encoder and compressor, which keep
 * per-request state that such a connection may not have; the connection is closed after them.
 */
final class EdgeResponses {
  private EdgeResponses() {}

  /** Writes {@code error} as the envelope with a fresh trace id and closes; returns the trace id. */
  static String respondAndClose(ChannelHandlerContext ctx, ApiException error, String retryAfter) {
    String traceId = Ids.newTraceId();
    byte[] body = ErrorHandler.envelope(error, traceId).encode().getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder()
        .append("HTTP/1.1 ").append(error.status()).append(' ')
        .append(HttpResponseStatus.valueOf(error.status()).reasonPhrase()).append("\r\n")
        .append("Content-Type: application/json; charset=utf-8\r\n")
        .append("Content-Length: ").append(body.length).append("\r\n")
        .append("Connection: close\r\n")
        .append(TraceIdHandler.HEADER).append(": ").append(traceId).append("\r\n");
    if (retryAfter != null) {
      head.append("Retry-After: ").append(retryAfter).append("\r\n");
    }
    head.append("\r\n");
    // from the guard's first handler: past the HTTP encoder and compressor, before anything below them
    ChannelHandlerContext below = ctx.pipeline().context(ConnectionGuard.FIRST_BYTES);
    (below == null ? ctx : below)
        .writeAndFlush(Unpooled.wrappedBuffer(head.toString().getBytes(StandardCharsets.ISO_8859_1), body))
        .addListener(ChannelFutureListener.CLOSE);
    return traceId;
  }
}
