package dev.arkloop.api.projects;

import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.workspace.PgWorkspaceStore;
import dev.arkloop.common.workspace.WorkspaceStore;

/** Projects and their workspaces. */
public final class ProjectsModule implements Resource {
  private final ProjectRepository projects;
  private final WorkspaceStore store;
  private final int maxFileBytes;

  public ProjectsModule(ApiContext api) {
    this.projects = new ProjectRepository(api.pool());
    this.store = new PgWorkspaceStore(api.pool());
    this.maxFileBytes = api.config().http().workspaceMaxFileBytes();
  }

  @Override
  public void mount(Routes routes) {
    new ProjectRoutes(projects, store).mount(routes);
    new WorkspaceRoutes(projects, store, maxFileBytes).mount(routes);
  }
}
