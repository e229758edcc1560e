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
    r.declare("DELETE", "/v1/projects/{project_id}", "Delete a project")
        .errors(403, "projects.delete_default")
        .errors(404, "projects.not_found");
  }
}
