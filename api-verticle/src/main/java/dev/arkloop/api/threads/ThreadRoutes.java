package dev.arkloop.api.threads;

import static dev.arkloop.api.http.Permissions.THREADS_READ;
import static dev.arkloop.api.http.Permissions.THREADS_WRITE;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.projects.ProjectRepository;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** Threads: conversations of the caller's current account, private to their creator if asked. */
public final class ThreadRoutes {
  /** Response header carrying the cursor of the next page (absent on the last page). */
  public static final String NEXT_CURSOR_HEADER = "X-Next-Cursor";
  public static final int MAX_TITLE_CHARS = 200;
  public static final int MAX_QUERY_CHARS = 200;

  private final ThreadRepository threads;
  private final ThreadSearchRepository search;
  private final StarRepository stars;
  private final ProjectRepository projects;

  public ThreadRoutes(ThreadRepository threads, ThreadSearchRepository search, StarRepository stars,
      ProjectRepository projects) {
    this.threads = threads;
    this.search = search;
    this.stars = stars;
    this.projects = projects;
  }

  public void mount(Routes routes) {
    routes.post("/v1/threads").requires(THREADS_WRITE).status(201).audit("thread.create").respond(this::create);
    routes.get("/v1/threads").requires(THREADS_READ).respond(this::list);
    routes.get("/v1/threads/search").requires(THREADS_READ).respond(this::search);
    routes.get("/v1/threads/starred").requires(THREADS_READ).respond(this::starred);
    routes.get("/v1/threads/:thread_id").requires(THREADS_READ).respond(this::get);
    routes.patch("/v1/threads/:thread_id").requires(THREADS_WRITE).audit("thread.update").respond(this::update);
    routes.put("/v1/threads/:thread_id").requires(THREADS_WRITE).audit("thread.update").respond(this::update);
    routes.delete("/v1/threads/:thread_id").requires(THREADS_WRITE).audit("thread.delete").respond(this::delete);
    routes.post("/v1/threads/:thread_id/star").requires(THREADS_WRITE).audit("thread.star").respond(this::star);
    routes.delete("/v1/threads/:thread_id/star").requires(THREADS_WRITE).audit("thread.unstar")
        .respond(this::unstar);
  }

  private Future<JsonObject> create(RoutingContext ctx) {
    RequestBody body = RequestBody.optional(ctx);
    String title = title(body.optionalString("title"));
    Boolean isPrivate = body.optionalBoolean("is_private");
    UUID projectId = body.optionalUuid("project_id");
    Principal principal = Principal.of(ctx);
    return requireProject(principal, projectId)
        .compose(v -> threads.create(principal.orgId(), principal.userId(), title, Boolean.TRUE.equals(isPrivate),
            projectId));
  }

  /** Query {@code limit} (1-200, default 50), {@code before} (or an alias), {@code project_id}. */
  private Future<JsonArray> list(RoutingContext ctx) {
    int limit = Params.limit(ctx, 50, 200);
    ThreadCursor before = ThreadCursor.fromRequest(ctx, "before_updated_at");
    UUID projectId = Params.optionalUuid(ctx, "project_id");
    Principal principal = Principal.of(ctx);
    Future<Void> projectVisible = projectId == null ? Future.succeededFuture()
        : projects.visible(principal.orgId(), principal.userId(), projectId).compose(visible -> visible
            ? Future.succeededFuture() : Future.failedFuture(ApiException.notFound("projects")));
    return projectVisible
        .compose(v -> threads.list(principal.orgId(), principal.userId(), projectId, before, limit))
        .map(page -> withNextCursor(ctx, page));
  }

  private Future<JsonArray> search(RoutingContext ctx) {
    String q = Params.query(ctx, "q");
    if (q == null) {
      throw ApiException.invalid("q", "q is required");
    }
    Fields.length("q", q, 1, MAX_QUERY_CHARS);
    int limit = Params.limit(ctx, 50, 200);
    Principal principal = Principal.of(ctx);
    return search.search(principal.orgId(), principal.userId(), q, limit);
  }

  private Future<JsonArray> starred(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    return stars.starredIds(principal.orgId(), principal.userId());
  }

  private Future<JsonObject> get(RoutingContext ctx) {
    UUID threadId = Params.pathId(ctx, "thread_id");
    Principal principal = Principal.of(ctx);
    return threads.get(principal.orgId(), principal.userId(), threadId).compose(ThreadRoutes::found);
  }

  /** Omitted fields stay; {@code title: null} clears the title, {@code project_id: null} detaches. */
  private Future<JsonObject> update(RoutingContext ctx) {
    UUID threadId = Params.pathId(ctx, "thread_id");
    RequestBody body = RequestBody.of(ctx);
    String title = title(body.optionalString("title"));
    UUID projectId = body.optionalUuid("project_id");
    ThreadPatch patch = new ThreadPatch(body.has("title"), title, body.has("project_id"), projectId);
    Principal principal = Principal.of(ctx);
    return threads.get(principal.orgId(), principal.userId(), threadId)
        .compose(ThreadRoutes::found)
        .compose(thread -> requireProject(principal, projectId).compose(v -> requireAuthorSees(principal, thread,
            projectId)))
        .compose(v -> threads.update(principal.orgId(), principal.userId(), threadId, patch))
        .compose(ThreadRoutes::found);
  }

  private Future<Void> delete(RoutingContext ctx) {
    UUID threadId = Params.pathId(ctx, "thread_id");
    Principal principal = Principal.of(ctx);
    return threads.delete(principal.orgId(), principal.userId(), threadId).compose(ThreadRoutes::existed);
  }

  private Future<Void> star(RoutingContext ctx) {
    UUID threadId = Params.pathId(ctx, "thread_id");
    Principal principal = Principal.of(ctx);
    return stars.star(principal.orgId(), principal.userId(), threadId).compose(ThreadRoutes::existed);
  }

  private Future<Void> unstar(RoutingContext ctx) {
    UUID threadId = Params.pathId(ctx, "thread_id");
    Principal principal = Principal.of(ctx);
    return stars.unstar(principal.orgId(), principal.userId(), threadId).compose(ThreadRoutes::existed);
  }

  /** A project named on a thread must be one the caller sees in this account: else 422 on the field. */
  private Future<Void> requireProject(Principal principal, UUID projectId) {
    if (projectId == null) {
      return Future.succeededFuture();
    }
    return projects.visible(principal.orgId(), principal.userId(), projectId)
        .compose(visible -> visible ? Future.succeededFuture() : Future.failedFuture(ThreadRepository.unknownProject()));
  }

  /** Runs of a thread act for their creators: a thread never lands in a project its author cannot see. */
  private Future<Void> requireAuthorSees(Principal principal, JsonObject thread, UUID projectId) {
    String author = thread.getString("created_by_user_id");
    if (projectId == null || author == null || author.equals(principal.userId().toString())) {
      return Future.succeededFuture();
    }
    return projects.visible(principal.orgId(), UUID.fromString(author), projectId)
        .compose(visible -> visible ? Future.succeededFuture() : Future.failedFuture(
            new ApiException(422, "validation.error", "the thread's author cannot see this project",
                new JsonObject().put("field", "project_id").put("reason", "project_not_visible_to_author"))));
  }

  private static String title(String title) {
    if (title == null) {
      return null;
    }
    String trimmed = Fields.length("title", title.trim(), 0, MAX_TITLE_CHARS);
    return trimmed.isEmpty() ? null : trimmed;
  }


  static Future<JsonObject> found(JsonObject thread) {
    return thread == null ? Future.failedFuture(ApiException.notFound("threads")) : Future.succeededFuture(thread);
  }

  static Future<Void> existed(boolean existed) {
    return existed ? Future.succeededFuture() : Future.failedFuture(ApiException.notFound("threads"));
  }

  /** The page's items, with the next page's cursor in {@value #NEXT_CURSOR_HEADER} when there is one. */
  static JsonArray withNextCursor(RoutingContext ctx, ThreadPage page) {
    if (page.nextCursor() != null) {
      ctx.response().putHeader(NEXT_CURSOR_HEADER, page.nextCursor());
    }
    return page.items();
  }
}
