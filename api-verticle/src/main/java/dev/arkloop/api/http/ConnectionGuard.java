package dev.arkloop.api.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one HTTP/1 connection from inside its Netty pipeline, just before Vert.x's own handler,
 * where the decoded request parts pass. A body the decoder could not read (a malformed chunk size)
 * would otherwise make Vert.x drop the connection without a word; here it gets a 400 envelope.
 */
public final class ConnectionGuard extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  /** Names Vert.x gives the handlers of an HTTP/1 server pipeline. */
  private static final String VERTX_HANDLER = "handler";

  /** Puts a guard on {@code connection}; false when its pipeline is not the HTTP/1 one. */
  public static boolean install(HttpConnection connection) {
    if (!(connection instanceof io.vertx.core.net.impl.ConnectionBase base)) {
      return false;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    if (pipeline.get(VERTX_HANDLER) == null) {
      return false;
    }
    pipeline.addBefore(VERTX_HANDLER, "arkloopGuard", new ConnectionGuard());
    return true;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpRequest) && msg instanceof HttpContent content && content.decoderResult().isFailure()) {
      Throwable cause = content.decoderResult().cause();
      ReferenceCountUtil.release(msg);
      String traceId = EdgeResponses.respondAndClose(ctx, InvalidRequestHandler.forCause(cause), null);
      LOG.info("malformed request body refused [trace: {}, remote: {}, cause: {}]", traceId,
          ctx.channel().remoteAddress(), cause == null ? "unknown" : cause.getClass().getSimpleName());
      return;
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    ctx.write(msg, promise);
  }
}
