package dev.arkloop.api.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Colon action routes ({@code /v1/runs/{id}:cancel}) are served by the same routes as their slash
 * form ({@code /v1/runs/{id}/cancel}): the last segment is split at its first colon and the request
 * rerouted. An unknown action then answers 404 and a wrong method 405, like any other route.
 */
public final class ColonActionHandler implements Handler<RoutingContext> {

  @Override
  public void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    int lastSlash = path.lastIndexOf('/');
    int colon = path.indexOf(':', lastSlash + 1);
    if (colon > lastSlash + 1 && colon < path.length() - 1) {
      String query = ctx.request().query();
      String rewritten = path.substring(0, colon) + "/" + path.substring(colon + 1);
      ctx.reroute(query == null ? rewritten : rewritten + "?" + query);
      return;
    }
    ctx.next();
  }
}
