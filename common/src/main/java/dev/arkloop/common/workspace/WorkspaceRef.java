package dev.arkloop.common.workspace;

import java.util.UUID;

/** Names one project workspace; every store operation is scoped by it. */
public record WorkspaceRef(UUID orgId, UUID projectId) {

  /** The stable external name, e.g. {@code ws_project_0190c0de…}. */
  public String name() {
    return "ws_project_" + projectId.toString().replace("-", "");
  }
}
