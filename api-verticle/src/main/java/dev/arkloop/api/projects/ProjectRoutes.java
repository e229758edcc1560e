package dev.arkloop.api.projects;

import static dev.arkloop.api.http.Permissions.PROJECTS_MANAGE;
import static dev.arkloop.api.http.Permissions.PROJECTS_READ;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.workspace.WorkspaceRef;
import dev.arkloop.common.workspace.WorkspaceStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Projects: groups of threads with a shared file workspace, private to their owner or shared. */
public final class ProjectRoutes {
  public static final int MAX_NAME_CHARS = 200;
  public static final int MAX_DESCRIPTION_CHARS = 10_000;

  private final ProjectRepository projects;
  private final WorkspaceStore store;

  public ProjectRoutes(ProjectRepository projects, WorkspaceStore store) {
    this.projects = projects;
    this.store = store;
  }

  public void mount(Routes routes) {
    routes.post("/v1/projects").requires(PROJECTS_MANAGE).status(201).audit("project.create").respond(this::create);
    routes.get("/v1/projects").requires(PROJECTS_READ)
        .respond(ctx -> projects.list(principal(ctx).orgId(), principal(ctx).userId()));
    routes.get("/v1/projects/:project_id").requires(PROJECTS_READ).respond(this::get);
    routes.patch("/v1/projects/:project_id").requires(PROJECTS_MANAGE).audit("project.update").respond(this::update);
    routes.put("/v1/projects/:project_id").requires(PROJECTS_MANAGE).audit("project.update").respond(this::update);
    routes.delete("/v1/projects/:project_id").requires(PROJECTS_MANAGE).audit("project.delete").respond(this::delete);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String name = Fields.length("name", body.string("name").trim(), 1, MAX_NAME_CHARS);
    String description = Fields.length("description", body.optionalString("description"), 0, MAX_DESCRIPTION_CHARS);
    UUID teamId = body.optionalUuid("team_id");
    String visibility = visibility(body.optionalString("visibility"));
    Principal principal = principal(ctx);
    return requireTeam(principal, teamId)
        .compose(v -> projects.create(principal.orgId(), principal.userId(), name, description, teamId,
            visibility == null ? "private" : visibility));
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    UUID projectId = Params.pathId(ctx, "project_id");
    Principal principal = principal(ctx);
    return projects.get(principal.orgId(), principal.userId(), projectId).compose(ProjectRoutes::found);
  }

  /** Omitted fields stay; {@code description}/{@code team_id} null clear them. */
  private Future<JsonObject> update(RoutingContext ctx) {
    UUID projectId = Params.pathId(ctx, "project_id");
    RequestBody body = RequestBody.of(ctx);
    String name = body.optionalString("name");
    if (body.has("name")) {
      if (name == null) {
        throw ApiException.invalid("name", "name cannot be cleared");
      }
      name = Fields.length("name", name.trim(), 1, MAX_NAME_CHARS);
    }
    String description = Fields.length("description", body.optionalString("description"), 0, MAX_DESCRIPTION_CHARS);
    String visibility = visibility(body.optionalString("visibility"));
    if (body.isNull("visibility")) {
      throw ApiException.invalid("visibility", "visibility must be private or shared");
    }
    UUID teamId = body.optionalUuid("team_id");
    ProjectPatch patch = new ProjectPatch(body.has("name"), name, body.has("description"), description,
        body.has("visibility"), visibility, body.has("team_id"), teamId);
    Principal principal = principal(ctx);
    return projects.get(principal.orgId(), principal.userId(), projectId)
        .compose(ProjectRoutes::found)
        .compose(project -> requireTeam(principal, teamId))
        .compose(v -> projects.update(principal.orgId(), principal.userId(), projectId, patch))
        .compose(ProjectRoutes::found);
  }

  /** Deletes the project and its workspace files; its threads stay, detached from it. */
  private Future<Void> delete(RoutingContext ctx) {
    UUID projectId = Params.pathId(ctx, "project_id");
    Principal principal = principal(ctx);
    return projects.get(principal.orgId(), principal.userId(), projectId)
        .compose(ProjectRoutes::found)
        .compose(project -> store.purge(new WorkspaceRef(principal.orgId(), projectId)))
        .compose(v -> projects.delete(principal.orgId(), principal.userId(), projectId))
        .compose(deleted -> deleted ? Future.succeededFuture()
            : Future.failedFuture(ApiException.notFound("projects")));
  }

  private Future<Void> requireTeam(Principal principal, UUID teamId) {
    if (teamId == null) {
      return Future.succeededFuture();
    }
    return projects.teamInOrg(principal.orgId(), teamId)
        .compose(known -> known ? Future.succeededFuture() : Future.failedFuture(ProjectRepository.unknownTeam()));
  }

  /** {@code private} or {@code shared}; the legacy {@code team} and {@code org} mean shared. */
  private static String visibility(String value) {
    if (value == null) {
      return null;
    }
    return switch (value) {
      case "private" -> "private";
      case "shared", "team", "org" -> "shared";
      default -> throw ApiException.invalid("visibility", "visibility must be private or shared");
    };
  }


  static Future<JsonObject> found(JsonObject project) {
    return project == null ? Future.failedFuture(ApiException.notFound("projects")) : Future.succeededFuture(project);
  }

  private static Principal principal(RoutingContext ctx) {
    return Principal.of(ctx);
  }
}
