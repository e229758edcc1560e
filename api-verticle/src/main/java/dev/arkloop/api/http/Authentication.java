package dev.arkloop.api.http;

import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/** Decides who calls a protected endpoint; {@link Routes} asks it before any handler runs. */
public interface Authentication {
  /** The caller, once every admission rule passed; a failure is the refusal (401, 403, 429). */
  Future<Principal> admit(RoutingContext ctx);
}
