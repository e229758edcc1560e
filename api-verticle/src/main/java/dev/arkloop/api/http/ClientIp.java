package dev.arkloop.api.http;

import io.vertx.ext.web.RoutingContext;

/** The caller's address: the socket's, or the first {@code X-Forwarded-For} hop when trusted. */
public final class ClientIp {
  private ClientIp() {}

  public static String of(RoutingContext ctx, boolean trustForwardedFor) {
    if (trustForwardedFor) {
      String forwarded = ctx.request().getHeader("X-Forwarded-For");
      if (forwarded != null && !forwarded.isBlank()) {
        return forwarded.split(",")[0].trim();
      }
    }
    return ctx.request().remoteAddress() == null ? "unknown" : ctx.request().remoteAddress().host();
  }
}
