package dev.arkloop.api.contract;

import static dev.arkloop.api.contract.JsonSchema.array;
import static dev.arkloop.api.contract.JsonSchema.enumOf;
import static dev.arkloop.api.contract.JsonSchema.object;
import static dev.arkloop.api.contract.JsonSchema.ref;
import static dev.arkloop.api.contract.JsonSchema.string;
import static dev.arkloop.api.contract.JsonSchema.uuid;

/** Projects (groups of threads with a workspace). */
final class ProjectContracts {
  private ProjectContracts() {}

  static void declare(ContractRegistry r) {
    JsonSchema visibility = enumOf("private", "shared", "team", "org")
        .description("private: the owner only; shared (aliases team, org): the team or the whole account");
    r.declare("POST", "/v1/projects", "Create a project")
        .body(object()
            .required("name", string().length(1, 200))
            .property("description", string().length(0, 10_000).nullable())
            .property("team_id", uuid().nullable().description("A team of the same account"))
            .property("visibility", visibility.defaultValue("private")))
        .returns(ref("Project"));
    r.declare("GET", "/v1/projects", "List the projects the caller can see")
        .returns(array(ref("Project")));
    r.declare("GET", "/v1/projects/{project_id}", "Get a project")
        .returns(ref("Project"))
        .errors(404, "projects.not_found");
    JsonSchema patch = object()
        .property("name", string().length(1, 200))
        .property("description", string().length(0, 10_000).nullable())
        .property("team_id", uuid().nullable())
        .property("visibility", visibility);
    r.declare("PATCH", "/v1/projects/{project_id}", "Change a project (omitted fields stay)")
        .body(patch).returns(ref("Project")).errors(404, "projects.not_found");
    r.declare("PUT", "/v1/projects/{project_id}", "Same as PATCH")
        .body(patch).returns(ref("Project")).errors(404, "projects.not_found");
    r.declare("GET", "/v1/projects/{project_id}/workspace", "The project's workspace")
        .returns(object().required("project_id", uuid()).required("workspace_ref", string())
            .property("owner_user_id", uuid().nullable())
            .required("status", enumOf("active", "idle", "unavailable"))
            .property("last_used_at", JsonSchema.dateTime().nullable())
            .property("active_session", object().nullable()))
        .errors(404, "projects.not_found");
    String file = "/v1/projects/{project_id}/workspace/file";
    JsonSchema path = string().with("minLength", 1).description("Path inside the workspace, e.g. /notes.txt");
    JsonSchema entry = object()
        .required("name", string()).required("path", string()).required("type", enumOf("file", "dir"))
        .property("size", JsonSchema.integer().nullable()).property("mtime_unix_ms", JsonSchema.integer().nullable())
        .property("mime_type", string().nullable()).property("sha256", string());
    r.declare("GET", file, "Download a workspace file")
        .requiredQuery("path", path, null)
        .header("Range", string(), "One byte range, e.g. bytes=0-99")
        .header("If-None-Match", string(), "ETag of a copy the client holds")
        .returns("application/octet-stream", string().format("binary"))
        .alsoSucceedsWith(206, "Partial content (a Range was asked)")
        .alsoSucceedsWith(304, "Not modified (If-None-Match matched)")
        .responseHeader("ETag", "The file's content hash")
        .errors(400, "workspace_files.invalid_path")
        .errors(404, "projects.not_found", "workspace_files.not_found")
        .errors(416, "workspace_files.range_not_satisfiable");
    r.declare("GET", "/v1/projects/{project_id}/workspace/files", "List a workspace directory")
        .query("path", path.defaultValue("/"), "Directory to list")
        .returns(object().required("workspace_ref", string()).required("path", string())
            .required("items", array(entry)).description("Directories first; empty before the first file"))
        .errors(400, "workspace_files.invalid_path")
        .errors(404, "projects.not_found", "workspace_files.not_found");
    r.declare("PUT", file, "Write a workspace file (raw bytes as the body)")
        .requiredQuery("path", path, null)
        .body("application/octet-stream", string().format("binary").description("The file's bytes"))
        .returns(entry)
        .alsoSucceedsWith(201, "Created (the file did not exist)")
        .errors(400, "workspace_files.invalid_path")
        .errors(404, "projects.not_found")
        .errors(409, "workspace_files.conflict")
        .errors(413, "validation.body_too_large");
    r.declare("DELETE", file, "Delete a workspace file")
        .requiredQuery("path", path, null)
        .errors(400, "workspace_files.invalid_path")
        .errors(404, "projects.not_found", "workspace_files.not_found");
    r.declare("DELETE", "/v1/projects/{project_id}", "Delete a project")
        .errors(403, "projects.delete_default")
        .errors(404, "projects.not_found");
  }
}
