package dev.arkloop.api.threads;

import dev.arkloop.api.http.ApiContext;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.projects.ProjectRepository;

/** Threads, their messages and stars. */
public final class ThreadsModule implements Resource {
  private final ThreadRepository threads;
  private final ThreadSearchRepository search;
  private final StarRepository stars;
  private final MessageRepository messages;
  private final ProjectRepository projects;

  public ThreadsModule(ApiContext api) {
    this.threads = new ThreadRepository(api.pool());
    this.search = new ThreadSearchRepository(api.pool());
    this.stars = new StarRepository(api.pool());
    this.messages = new MessageRepository(api.pool());
    this.projects = new ProjectRepository(api.pool());
  }

  @Override
  public void mount(Routes routes) {
    new ThreadRoutes(threads, search, stars, projects).mount(routes);
    new MessageRoutes(messages, threads).mount(routes);
  }
}
