package dev.arkloop.api.projects;

import static dev.arkloop.api.http.Permissions.PROJECTS_READ;
import static dev.arkloop.api.http.Permissions.RUNS_READ;
import static dev.arkloop.api.http.Permissions.THREADS_WRITE;

import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.workspace.WorkspaceEntry;
import dev.arkloop.common.workspace.WorkspacePaths;
import dev.arkloop.common.workspace.WorkspaceRef;
import dev.arkloop.common.workspace.WorkspaceStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

/**
 * A project's default workspace: status, directory listings, file download, and upload/delete.
 * Uploads need {@code data.threads.write} (not {@code data.projects.manage}) so members can seed the
 * workspaces of projects they see, as their runs will write there too.
 */
public final class WorkspaceRoutes {
  /** Path of the raw upload route, whose body the JSON body handler leaves alone. */
  public static final String FILE_PATH = "/v1/projects/:project_id/workspace/file";
  private static final Duration ACTIVE_WINDOW = Duration.ofMinutes(5);

  private final ProjectRepository projects;
  private final WorkspaceStore store;
  private final WorkspaceDownload download;
  private final int maxFileBytes;

  public WorkspaceRoutes(ProjectRepository projects, WorkspaceStore store, int maxFileBytes) {
    this.projects = projects;
    this.store = store;
    this.download = new WorkspaceDownload(store);
    this.maxFileBytes = maxFileBytes;
  }

  public void mount(Routes routes) {
    routes.get("/v1/projects/:project_id/workspace").requires(PROJECTS_READ).respond(this::workspace);
    routes.get("/v1/projects/:project_id/workspace/files").requires(PROJECTS_READ, RUNS_READ).respond(this::list);
    routes.get(FILE_PATH).requires(PROJECTS_READ, RUNS_READ).handler(this::read);
    routes.put(FILE_PATH).requires(PROJECTS_READ, THREADS_WRITE).audit("workspace_file.write").respond(this::write);
    routes.delete(FILE_PATH).requires(PROJECTS_READ, THREADS_WRITE).audit("workspace_file.delete")
        .respond(this::delete);
  }

  private Future<JsonObject> workspace(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    UUID projectId = Params.pathId(ctx, "project_id");
    WorkspaceRef ref = new WorkspaceRef(principal.orgId(), projectId);
    return projects.get(principal.orgId(), principal.userId(), projectId)
        .compose(ProjectRoutes::found)
        .compose(project -> store.lastUsedAt(ref).map(lastUsed -> {
          JsonObject workspace = new JsonObject()
              .put("project_id", projectId.toString())
              .put("workspace_ref", ref.name())
              .put("owner_user_id", project.getString("owner_user_id"))
              .put("status", lastUsed != null && lastUsed.isAfter(Instant.now().minus(ACTIVE_WINDOW)) ? "active" : "idle");
          // absent rather than null: the original web client types it as a string
          return lastUsed == null ? workspace
              : workspace.put("last_used_at", RowJson.timestamp(lastUsed.atOffset(ZoneOffset.UTC)));
        }));
  }

  private Future<JsonObject> list(RoutingContext ctx) {
    String raw = pathParam(ctx);
    String directory = WorkspacePaths.directory(raw == null || raw.isEmpty() ? WorkspacePaths.ROOT : raw);
    return visibleWorkspace(ctx)
        .compose(ref -> store.list(ref, directory).map(entries -> new JsonObject()
            .put("workspace_ref", ref.name())
            .put("path", directory)
            .put("items", toJson(entries))));
  }

  private void read(RoutingContext ctx) {
    String path = WorkspacePaths.file(pathParam(ctx));
    visibleWorkspace(ctx)
        .compose(ref -> store.stat(ref, path).compose(file -> file == null
            ? Future.failedFuture(ApiException.notFound("workspace_files"))
            : Future.succeededFuture(file)).onSuccess(file -> download.send(ctx, ref, file)))
        .onFailure(ctx::fail);
  }

  /** Creates (201) or replaces (200) the file with the raw request body. */
  private Future<JsonObject> write(RoutingContext ctx) {
    String path = WorkspacePaths.file(pathParam(ctx));
    return visibleWorkspace(ctx)
        .compose(ref -> WorkspaceUpload.read(ctx, maxFileBytes).compose(content -> store.write(ref, path, content)))
        .map(result -> {
          ctx.response().setStatusCode(result.created() ? 201 : 200);
          return result.file().toJson().put("sha256", result.file().sha256());
        });
  }

  private Future<Void> delete(RoutingContext ctx) {
    String path = WorkspacePaths.file(pathParam(ctx));
    return visibleWorkspace(ctx)
        .compose(ref -> store.delete(ref, path))
        .compose(deleted -> deleted ? Future.succeededFuture()
            : Future.failedFuture(ApiException.notFound("workspace_files")));
  }

  private Future<WorkspaceRef> visibleWorkspace(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    UUID projectId = Params.pathId(ctx, "project_id");
    return projects.visible(principal.orgId(), principal.userId(), projectId)
        .compose(visible -> visible ? Future.succeededFuture(new WorkspaceRef(principal.orgId(), projectId))
            : Future.failedFuture(ApiException.notFound("projects")));
  }

  /** The decoded {@code path} query parameter; undecodable or repeated counts as invalid. */
  private static String pathParam(RoutingContext ctx) {
    List<String> values;
    try {
      values = ctx.request().params().getAll("path");
    } catch (IllegalArgumentException e) {
      throw WorkspacePaths.invalid();
    }
    if (values.size() > 1) {
      throw WorkspacePaths.invalid();
    }
    return values.isEmpty() ? null : values.get(0);
  }

  private static JsonArray toJson(List<WorkspaceEntry> entries) {
    JsonArray items = new JsonArray();
    entries.forEach(entry -> items.add(entry.toJson()));
    return items;
  }
}
