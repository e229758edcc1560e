package dev.arkloop.worker.llm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouteSelectionTest {
  private static final ModelRoute A = route("id-a", "main", "openai", "gpt-4o");
  private static final ModelRoute B = route("id-b", "main", "openai", "gpt-4o-mini");
  private static final ModelRoute C = route("id-c", "claude", "anthropic", "claude-sonnet");
  private static final ModelRoute STUB = route("stub", "stub", "stub", "stub-1");
  private static final ModelRoute ENV = route("env-openai", "openai", "openai", "gpt-4o-mini");

  private static ModelRoute route(String id, String provider, String kind, String model) {
    return new ModelRoute(id, provider, kind, model, null, ModelRoute.Prices.FREE);
  }

  private static List<String> ids(List<ModelRoute> routes) {
    return routes.stream().map(route -> route.routeId() + ":" + route.model()).toList();
  }

  @Test
  void theDefaultIsTheFirstConfiguredModelAndTheRestAreFallbacks() {
    assertEquals(List.of("id-a:gpt-4o", "id-b:gpt-4o-mini", "id-c:claude-sonnet"),
        ids(RouteSelection.select(List.of(A, B, C), List.of(STUB), new JsonObject(), null)));
  }

  @Test
  void routeIdWinsOverSelectors() {
    JsonObject options = new JsonObject().put("route_id", "id-c").put("model", "main^gpt-4o-mini");
    assertEquals(List.of("id-c:claude-sonnet", "id-a:gpt-4o", "id-b:gpt-4o-mini"),
        ids(RouteSelection.select(List.of(A, B, C), List.of(STUB), options, "main^gpt-4o")));
  }

  @Test
  void theRunsModelOptionWinsOverThePersonasSelector() {
    assertEquals("id-b:gpt-4o-mini", ids(RouteSelection.select(List.of(A, B, C), List.of(),
        new JsonObject().put("model", "main^gpt-4o-mini"), "claude^claude-sonnet")).get(0));
    assertEquals("id-c:claude-sonnet", ids(RouteSelection.select(List.of(A, B, C), List.of(),
        new JsonObject(), "claude^claude-sonnet")).get(0));
    assertEquals("id-b:gpt-4o-mini", ids(RouteSelection.select(List.of(A, B, C), List.of(),
        new JsonObject(), "gpt-4o-mini")).get(0), "a bare model name matches under any provider");
  }

  @Test
  void namingSomethingThatDoesNotExistGivesNoRoute() {
    assertTrue(RouteSelection.select(List.of(A, B), List.of(STUB), new JsonObject().put("route_id", "nope"), null)
        .isEmpty());
    assertTrue(RouteSelection.select(List.of(A, B), List.of(STUB), new JsonObject(), "main^gpt-5").isEmpty());
    assertTrue(RouteSelection.select(List.of(A, B), List.of(STUB), new JsonObject(), "other^gpt-4o").isEmpty());
  }

  @Test
  void withNothingConfiguredTheFallbackRoutesServe() {
    assertEquals(List.of("stub:stub-1"), ids(RouteSelection.select(List.of(), List.of(STUB), new JsonObject(), null)));
    assertEquals(List.of("stub:stub-1"), ids(RouteSelection.select(List.of(A), List.of(STUB),
        new JsonObject().put("route_id", "stub"), null)).subList(0, 1));
    assertEquals(List.of("env-openai:gpt-4o", "env-openai:gpt-4o-mini"), ids(RouteSelection.select(List.of(),
        List.of(ENV), new JsonObject(), "openai^gpt-4o")), "an environment provider serves any of its models");
    assertTrue(RouteSelection.select(List.of(), List.of(STUB), new JsonObject(), "stub^other").isEmpty());
  }
}
