package dev.arkloop.api.personas;

import static dev.arkloop.common.bus.ConfigChanges.PERSONAS;
import static dev.arkloop.api.http.Permissions.PERSONAS_MANAGE;
import static dev.arkloop.api.http.Permissions.PERSONAS_READ;

import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.http.ScopeParam;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.personas.BuiltinPersonas;
import dev.arkloop.common.personas.Persona;
import dev.arkloop.common.personas.PersonaStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.UUID;

/**
 * Personas: raw rows of a scope ({@code ?scope=org|platform}), create, PATCH (PUT alias), DELETE,
 * and the caller's effective selectable list. Built-in personas are files: they can be overridden
 * by a row with the same key, never edited (403 {@code personas.system_protected}).
 */
public final class PersonaRoutes implements Resource {
  /** Fields that describe the row rather than the persona; never stored in the spec. */
  private static final List<String> METADATA = List.of("id", "scope", "org_id", "persona_key", "version",
      "is_active", "source", "created_at", "updated_at", "copy_from_repo_persona_key");
  private final PersonaRepository personas;
  private final PersonaStore store;

  public PersonaRoutes(PersonaRepository personas, PersonaStore store) {
    this.personas = personas;
    this.store = store;
  }

  @Override
  public void mount(Routes routes) {
    routes.get("/v1/me/selectable-personas").requires(PERSONAS_READ).respond(ctx -> store.selectable(orgId(ctx)).map(PersonaRoutes::toJson));
    routes.get("/v1/personas").requires(PERSONAS_READ).respond(ctx ->
        personas.list(ScopeParam.of(ctx, ScopeParam.ORG, null), orgId(ctx)).map(PersonaRoutes::toJson));
    routes.post("/v1/personas").requires(PERSONAS_MANAGE).status(201)
        .announces(PERSONAS).audit("persona.create").respond(this::create);
    routes.patch("/v1/personas/:persona_id").requires(PERSONAS_MANAGE)
        .announces(PERSONAS).audit("persona.update").respond(this::update);
    routes.put("/v1/personas/:persona_id").requires(PERSONAS_MANAGE)
        .announces(PERSONAS).audit("persona.update").respond(this::update);
    routes.delete("/v1/personas/:persona_id").requires(PERSONAS_MANAGE)
        .announces(PERSONAS).audit("persona.delete").respond(this::delete);
  }

  private static UUID orgId(RoutingContext ctx) {
    return Principal.of(ctx).orgId();
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    String scope = ScopeParam.of(ctx, ScopeParam.ORG, null);
    RequestBody body = RequestBody.of(ctx);
    String key = PersonaInput.key(body);
    String version = PersonaInput.version(body);
    String copyFrom = body.optionalString("copy_from_repo_persona_key");
    JsonObject fields = PersonaInput.fields(body, copyFrom != null);
    Boolean active = body.optionalBoolean("is_active");
    return store.builtins().compose(files -> {
      JsonObject spec = new JsonObject();
      if (copyFrom != null) {
        Persona source = files.find(copyFrom, null);
        if (source == null) {
          return Future.failedFuture(ApiException.invalid("copy_from_repo_persona_key",
              "no built-in persona " + copyFrom));
        }
        spec = source.toJson();
      }
      return personas.create(scope, orgId(ctx), key, version, active == null || active,
          stored(spec.mergeIn(fields)));
    })
        .map(Persona::toJson);
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "persona_id");
    String scope = ScopeParam.of(ctx, ScopeParam.ORG, null);
    RequestBody body = RequestBody.of(ctx);
    JsonObject changes = PersonaInput.fields(body, true);
    Boolean active = body.optionalBoolean("is_active");
    return protect(id).compose(v -> found(personas.get(scope, orgId(ctx), id))).compose(existing -> {
      JsonObject spec = existing.toJson().mergeIn(changes);
      boolean isActive = active == null ? existing.active() : active;
      return found(personas.update(scope, orgId(ctx), id, isActive, stored(spec)));
    }).map(Persona::toJson);
  }

  private Future<JsonObject> delete(RoutingContext ctx) {
    UUID id = Params.pathId(ctx, "persona_id");
    String scope = ScopeParam.of(ctx, ScopeParam.ORG, null);
    return protect(id).compose(v -> personas.delete(scope, orgId(ctx), id)).compose(deleted -> deleted
        ? Future.succeededFuture(new JsonObject().put("ok", true))
        : Future.failedFuture(ApiException.notFound("personas")));
  }

  private Future<Void> protect(UUID id) {
    return store.builtins().compose(files -> files.isBuiltinId(id)
        ? Future.failedFuture(new ApiException(403, "personas.system_protected", "built-in personas cannot be "
            + "changed; create a persona with the same persona_key to override one"))
        : Future.succeededFuture());
  }

  /** What is stored: the persona fields with a value (null means "the default"), no row metadata. */
  private static JsonObject stored(JsonObject spec) {
    JsonObject stored = new JsonObject();
    spec.forEach(entry -> {
      if (entry.getValue() != null && !METADATA.contains(entry.getKey())) {
        stored.put(entry.getKey(), entry.getValue());
      }
    });
    return stored;
  }

  private static Future<Persona> found(Future<Persona> persona) {
    return persona.compose(p -> p == null ? Future.failedFuture(ApiException.notFound("personas"))
        : Future.succeededFuture(p));
  }

  private static JsonArray toJson(List<Persona> list) {
    JsonArray array = new JsonArray();
    list.forEach(p -> array.add(p.toJson()));
    return array;
  }

  /** Builds the persona endpoints (reads the built-in persona files once, off the event loop). */
  public PersonaRoutes(ApiContext api) {
    this(new PersonaRepository(api.pool()), new PersonaStore(api.pool(), BuiltinPersonas.load(api.vertx())));
  }
}
