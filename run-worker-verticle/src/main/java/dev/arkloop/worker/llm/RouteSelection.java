package dev.arkloop.worker.llm;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Which routes a run gets, best first. The first route is, in order of precedence: the run's
 * {@code route_id} (a model id, or a fallback route's id such as {@code stub}); the run's
 * {@code model} option or else the persona's selector, {@code provider name^model} (a bare model name
 * matches it under any provider); else the first configured model. The other routes of the same pool
 * follow as fallbacks in their order. The pool is the configured models, or the fallback routes when
 * none is configured. A route id or selector that names nothing gives no route at all
 * ({@code policy.route_not_found}): silently using another model would hide a misconfiguration.
 */
final class RouteSelection {
  private RouteSelection() {}

  static List<ModelRoute> select(List<ModelRoute> configured, List<ModelRoute> fallbacks, JsonObject options,
      String personaSelector) {
    List<ModelRoute> pool = configured.isEmpty() ? fallbacks : configured;
    String routeId = options.getValue("route_id") instanceof String id && !id.isBlank() ? id : null;
    String selector = options.getValue("model") instanceof String model && !model.isBlank() ? model : personaSelector;
    ModelRoute primary;
    if (routeId != null) {
      primary = byId(configured, routeId);
      primary = primary != null ? primary : byId(fallbacks, routeId);
    } else if (selector != null && !selector.isBlank()) {
      primary = bySelector(configured, selector.trim(), false);
      primary = primary != null ? primary : bySelector(fallbacks, selector.trim(), true);
    } else {
      primary = pool.isEmpty() ? null : pool.get(0);
    }
    if (primary == null) {
      return List.of();
    }
    List<ModelRoute> ordered = new ArrayList<>();
    ordered.add(primary);
    for (ModelRoute route : pool) {
      if (!(route.routeId().equals(primary.routeId()) && route.model().equals(primary.model()))) {
        ordered.add(route);
      }
    }
    return ordered;
  }

  private static ModelRoute byId(List<ModelRoute> routes, String routeId) {
    return routes.stream().filter(route -> route.routeId().equals(routeId)).findFirst().orElse(null);
  }

  /**
   * The route {@code provider^model} names. Fallback routes (the environment's providers) serve any
   * model of their provider, so a selector may pick a model other than their default one.
   */
  private static ModelRoute bySelector(List<ModelRoute> routes, String selector, boolean anyModel) {
    int caret = selector.indexOf('^');
    String provider = caret < 0 ? null : selector.substring(0, caret);
    String model = caret < 0 ? selector : selector.substring(caret + 1);
    for (ModelRoute route : routes) {
      boolean providerMatches = provider == null || route.providerName().equals(provider);
      if (providerMatches && route.model().equals(model)) {
        return route;
      }
    }
    if (anyModel && provider != null && !model.isEmpty()) {
      for (ModelRoute route : routes) {
        if (route.providerName().equals(provider) && !route.providerKind().equals("stub")) {
          return new ModelRoute(route.routeId(), route.providerName(), route.providerKind(), model, route.client(),
              route.prices());
        }
      }
    }
    return null;
  }
}
