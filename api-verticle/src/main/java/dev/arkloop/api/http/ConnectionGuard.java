package dev.arkloop.api.http;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.error.ApiException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.json.JsonObject;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches one HTTP/1 connection from inside its Netty pipeline, below Vert.x, where it can see what
 * Vert.x does not expose: the first bytes of a request, each decoded part, the end of each response.
 * It enforces the time a client may take to send its headers and the longest pause inside a body
 * (both answered with 408 and closed), closes a keep-alive connection idle between requests (a
 * response being served, such as an SSE stream, is never idle), refuses the requests of a connection
 * over the per-address cap with 429 {@code rate_limit}, and answers a body the decoder could not read
 * (a malformed chunk size) with 400 instead of letting Vert.x drop the connection silently.
 */
public final class ConnectionGuard extends ChannelDuplexHandler {
  private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
  /** Names Vert.x gives the handlers of an HTTP/1 server pipeline. */
  private static final String VERTX_HANDLER = "handler";
  private static final String DECODER = "httpDecoder";
  static final String FIRST_BYTES = "arkloopBytesIn";

  private enum State { IDLE, HEADERS, BODY, SERVING }

  private final ArkloopConfig.Http http;
  private final boolean overConnectionCap;
  private State state = State.HEADERS;
  /** What runs at {@link #deadline} ({@code nanoTime}); null when nothing is due. */
  private Runnable due;
  private long deadline;
  /**
   * The one pending wake-up and when it fires. Each phase of a request moves the deadline but not the
   * timer: the wake-up re-arms itself while the deadline lies ahead, so a request costs no timer
   * scheduling or cancelling (it used to cost three of each).
   */
  private ScheduledFuture<?> timer;
  private long timerAt;
  private ChannelHandlerContext context;

  private ConnectionGuard(ArkloopConfig.Http http, boolean overConnectionCap) {
    this.http = http;
    this.overConnectionCap = overConnectionCap;
  }

  /** Installs the guards of an API server: call from its connection handler. */
  public static io.vertx.core.Handler<HttpConnection> installer(Vertx vertx, ArkloopConfig.Http http) {
    ConnectionCounts counts = ConnectionCounts.of(vertx);
    return connection -> install(connection, http, counts);
  }

  private static void install(HttpConnection connection, ArkloopConfig.Http http, ConnectionCounts counts) {
    if (!(connection instanceof io.vertx.core.net.impl.ConnectionBase base)) {
      return;
    }
    Channel channel = base.channel();
    ChannelPipeline pipeline = channel.pipeline();
    if (pipeline.get(VERTX_HANDLER) == null || pipeline.get(DECODER) == null) {
      return; // not an HTTP/1 pipeline
    }
    boolean over = false;
    if (http.maxConnectionsPerIp() > 0 && channel.remoteAddress() instanceof InetSocketAddress remote
        && remote.getAddress() != null) {
      String address = remote.getAddress().getHostAddress();
      over = counts.acquire(address) > http.maxConnectionsPerIp();
      channel.closeFuture().addListener(closed -> counts.release(address));
    }
    ConnectionGuard guard = new ConnectionGuard(http, over);
    pipeline.addBefore(DECODER, FIRST_BYTES, guard.new FirstBytes());
    pipeline.addBefore(VERTX_HANDLER, "arkloopGuard", guard);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    context = ctx;
    schedule(http.headerTimeoutMillis(), this::headersTimedOut);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    super.channelInactive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest request) {
      if (overConnectionCap && request.decoderResult().isSuccess()) {
        ReferenceCountUtil.release(msg);
        refuseOverCap(ctx);
        return;
      }
      cancel();
      state = msg instanceof LastHttpContent ? State.SERVING : State.BODY;
      if (state == State.BODY) {
        schedule(http.bodyIdleTimeoutMillis(), this::bodyTimedOut);
      }
    } else if (msg instanceof HttpContent content) {
      if (content.decoderResult().isFailure()) {
        malformedBody(ctx, content);
        return;
      }
      cancel();
      if (msg instanceof LastHttpContent) {
        state = State.SERVING;
      } else {
        schedule(http.bodyIdleTimeoutMillis(), this::bodyTimedOut);
      }
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof LastHttpContent) {
      // the response is complete: wait for the next request, as long as the idle timeout allows
      promise = promise.unvoid();
      promise.addListener(written -> {
        if (state == State.SERVING) {
          state = State.IDLE;
          schedule(http.idleTimeoutMillis(), this::idleTimedOut);
        }
      });
    }
    ctx.write(msg, promise);
  }

  /** First in the pipeline: notices the first bytes of the next request on an idle connection. */
  private final class FirstBytes extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (state == State.IDLE && msg instanceof ByteBuf bytes && bytes.isReadable()) {
        state = State.HEADERS;
        schedule(http.headerTimeoutMillis(), ConnectionGuard.this::headersTimedOut);
      }
      ctx.fireChannelRead(msg);
    }
  }

  private void headersTimedOut() {
    if (state == State.HEADERS) {
      timedOut("header_timeout", "the request headers took too long to arrive");
    }
  }

  private void bodyTimedOut() {
    if (state == State.BODY) {
      timedOut("body_timeout", "the request body stalled for too long");
    }
  }

  private void idleTimedOut() {
    if (state == State.IDLE) {
      LOG.debug("idle connection closed [remote: {}]", context.channel().remoteAddress());
      context.close();
    }
  }

  private void timedOut(String reason, String message) {
    String traceId = EdgeResponses.respondAndClose(context,
        ApiException.invalidRequest(408, reason, message), null);
    LOG.info("slow request refused [trace: {}, remote: {}, reason: {}]", traceId,
        context.channel().remoteAddress(), reason);
  }

  private void refuseOverCap(ChannelHandlerContext ctx) {
    cancel();
    state = State.SERVING;
    String traceId = EdgeResponses.respondAndClose(ctx, new ApiException(429, "rate_limit",
        "too many open connections from this address", new JsonObject().put("reason", "connections")
            .put("limit", http.maxConnectionsPerIp()).put("retry_after_seconds", 1)), "1");
    LOG.info("connection over the per-address limit refused [trace: {}, remote: {}]", traceId,
        ctx.channel().remoteAddress());
  }

  private void malformedBody(ChannelHandlerContext ctx, HttpContent content) {
    Throwable cause = content.decoderResult().cause();
    ReferenceCountUtil.release(content);
    cancel();
    state = State.SERVING;
    String traceId = EdgeResponses.respondAndClose(ctx, InvalidRequestHandler.forCause(cause), null);
    LOG.info("malformed request body refused [trace: {}, remote: {}, cause: {}]", traceId,
        ctx.channel().remoteAddress(), cause == null ? "unknown" : cause.getClass().getSimpleName());
  }

  private void schedule(int millis, Runnable task) {
    due = task;
    deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    if (timer != null && timerAt - deadline <= 0) {
      return; // wakes up no later than needed
    }
    if (timer != null) {
      timer.cancel(false);
    }
    arm();
  }

  /**
   * Wakes at the deadline, or sooner when it is further off than the shortest timeout, so that the
   * next phase's (nearer) deadline never needs the timer moved.
   */
  private void arm() {
    long now = System.nanoTime();
    long shortest = TimeUnit.MILLISECONDS.toNanos(Math.min(http.headerTimeoutMillis(), http.bodyIdleTimeoutMillis()));
    timerAt = deadline - now > shortest ? now + shortest : deadline;
    timer = context.executor().schedule(this::wake, Math.max(0, timerAt - now), TimeUnit.NANOSECONDS);
  }

  private void wake() {
    timer = null;
    if (due == null) {
      return;
    }
    if (deadline - System.nanoTime() > 0) {
      arm();
      return;
    }
    Runnable task = due;
    due = null;
    task.run();
  }

  private void cancel() {
    due = null;
  }
}
