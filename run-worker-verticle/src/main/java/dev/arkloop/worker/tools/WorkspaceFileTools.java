package dev.arkloop.worker.tools;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.workspace.BlobContent;
import dev.arkloop.common.workspace.ProjectAccess;
import dev.arkloop.common.workspace.WorkspacePaths;
import dev.arkloop.common.workspace.WorkspaceRef;
import dev.arkloop.common.workspace.WorkspaceStore;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.BiFunction;

/**
 * {@code list_files}, {@code read_file} and {@code write_file} on the project workspace of the
 * run's thread, through the same {@link WorkspaceStore} the API serves. A thread without a project
 * has no workspace: {@code tool.not_configured}.
 */
public final class WorkspaceFileTools {
  static final long MAX_READ_BYTES = 1024 * 1024;
  static final int MAX_WRITE_BYTES = 1024 * 1024;
  private final WorkspaceStore store;
  private final SqlClient db;

  public WorkspaceFileTools(WorkspaceStore store, SqlClient db) {
    this.store = store;
    this.db = db;
  }

  public List<Tool> tools() {
    JsonObject path = new JsonObject().put("type", "string").put("description", "absolute path, e.g. /notes/a.md");
    return List.of(
        tool("list_files", "Lists a directory of the project workspace.",
            schema(new JsonObject().put("path", path), List.of()), this::list),
        tool("read_file", "Reads a text file of the project workspace.",
            schema(new JsonObject().put("path", path), List.of("path")), this::read),
        tool("write_file", "Creates or replaces a text file of the project workspace.",
            schema(new JsonObject().put("path", path).put("content", new JsonObject().put("type", "string")),
                List.of("path", "content")), this::write));
  }

  private Future<JsonObject> list(WorkspaceRef ref, JsonObject arguments) {
    String directory = WorkspacePaths.directory(arguments.getString("path", WorkspacePaths.ROOT));
    return store.list(ref, directory).map(entries -> {
      JsonArray items = new JsonArray();
      entries.forEach(entry -> items.add(entry.toJson()));
      return new JsonObject().put("path", directory).put("items", items);
    });
  }

  private Future<JsonObject> read(WorkspaceRef ref, JsonObject arguments) {
    String path = WorkspacePaths.file(arguments.getString("path"));
    return store.readAll(ref, path, MAX_READ_BYTES).map(bytes -> new JsonObject().put("path", path)
        .put("size", bytes.length()).put("content", bytes.toString(StandardCharsets.UTF_8)));
  }

  private Future<JsonObject> write(WorkspaceRef ref, JsonObject arguments) {
    String path = WorkspacePaths.file(arguments.getString("path"));
    Object content = arguments.getValue("content");
    if (!(content instanceof String text)) {
      throw new ToolException("tool.invalid_arguments", "content must be a string");
    }
    Buffer bytes = Buffer.buffer(text, "UTF-8");
    if (bytes.length() > MAX_WRITE_BYTES) {
      throw new ToolException("tool.invalid_arguments", "content is larger than " + MAX_WRITE_BYTES + " bytes");
    }
    return store.write(ref, path, BlobContent.of(bytes)).map(result -> new JsonObject().put("path", path)
        .put("size", result.file().size()).put("created", result.created()));
  }

  private static JsonObject schema(JsonObject properties, List<String> required) {
    return new JsonObject().put("type", "object").put("properties", properties).put("required", required);
  }

  private Tool tool(String name, String description, JsonObject parameters,
      BiFunction<WorkspaceRef, JsonObject, Future<JsonObject>> body) {
    return Tool.of(name, description, parameters, (arguments, context) -> {
      if (context.projectId() == null) {
        return Future.failedFuture(new ToolException("tool.not_configured", "the thread has no project workspace"));
      }
      // on every call: the project may have turned private, or its creator left its team, since the run began
      return ProjectAccess.visible(db, context.orgId(), context.runCreatorId(), context.projectId())
          .compose(visible -> {
            if (!visible) {
              return Future.failedFuture(new ToolException("policy.project_not_visible",
                  "the run's creator cannot see this project"));
            }
            try {
              return body.apply(new WorkspaceRef(context.orgId(), context.projectId()), arguments)
                  .recover(e -> Future.failedFuture(translate(e)));
            } catch (RuntimeException e) {
              return Future.failedFuture(translate(e));
            }
          });
    });
  }

  /** Store and path errors as tool errors: {@code tool.file_not_found}, {@code tool.invalid_path}, ... */
  private static Throwable translate(Throwable failure) {
    if (failure instanceof ApiException api) {
      String errorClass = switch (api.code()) {
        case "workspace_files.not_found" -> "tool.file_not_found";
        case "workspace_files.invalid_path" -> "tool.invalid_path";
        case "workspace_files.conflict" -> "tool.file_conflict";
        case "workspace_files.too_large" -> "tool.file_too_large";
        case "projects.not_found" -> "tool.not_configured";
        default -> "tool.error";
      };
      return new ToolException(errorClass, api.getMessage());
    }
    return failure;
  }
}
