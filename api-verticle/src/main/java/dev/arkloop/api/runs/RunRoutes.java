package dev.arkloop.api.runs;

import static dev.arkloop.api.http.Permissions.RUNS_READ;
import static dev.arkloop.api.http.Permissions.RUNS_WRITE;
import static dev.arkloop.api.http.Permissions.THREADS_WRITE;

import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.http.TraceIdHandler;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.runs.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/** Runs: create, list, get, cancel, input, retry, and the SSE event stream. */
public final class RunRoutes {
  static final int MAX_INPUT_BYTES = 32 * 1024;
  private static final List<String> CREATE_OPTIONS =
      List.of("route_id", "persona_id", "model", "reasoning_mode", "work_dir", "output_route_id", "output_model_key");

  private final Vertx vertx;
  private final RunRepository runs;
  private final RunService service;
  private final RunEventHub hub;
  private final EventFetcher fetcher;
  private final ArkloopConfig.Runs settings;

  RunRoutes(Vertx vertx, RunRepository runs, RunService service, RunEventHub hub, EventFetcher fetcher,
      ArkloopConfig.Runs settings) {
    this.vertx = vertx;
    this.runs = runs;
    this.service = service;
    this.hub = hub;
    this.fetcher = fetcher;
    this.settings = settings;
  }

  public void mount(Routes routes) {
    routes.post("/v1/threads/:thread_id/runs").requires(RUNS_WRITE).status(201).audit("run.create")
        .respond(ctx -> create(ctx, false));
    routes.post("/v1/threads/:thread_id/retry").requires(THREADS_WRITE, RUNS_WRITE).status(201).audit("run.retry")
        .respond(ctx -> create(ctx, true));
    routes.get("/v1/threads/:thread_id/runs").requires(RUNS_READ).respond(ctx -> runs.listOfThread(
        Principal.of(ctx), Params.pathId(ctx, "thread_id"), Params.limit(ctx, 50, 200)));
    routes.get("/v1/runs").requires(RUNS_READ).respond(this::listOrSearch);
    routes.get("/v1/runs/:run_id").requires(RUNS_READ).respond(ctx ->
        runs.get(Principal.of(ctx), Params.pathId(ctx, "run_id")));
    routes.post("/v1/runs/:run_id/cancel").requires(RUNS_WRITE).audit("run.cancel").respond(this::cancel);
    routes.post("/v1/runs/:run_id/input").requires(RUNS_WRITE).audit("run.input").respond(this::input);
    routes.get("/v1/runs/:run_id/events").requires(RUNS_READ).handler(this::events);
  }

  private Future<JsonObject> create(RoutingContext ctx, boolean retry) {
    UUID threadId = Params.pathId(ctx, "thread_id");
    RequestBody body = RequestBody.optional(ctx);
    JsonObject options = new JsonObject();
    for (String option : CREATE_OPTIONS) {
      String value = Fields.length(option, body.optionalString(option), 1, 200);
      if (value != null) {
        options.put(option, value);
      }
    }
    String key = ctx.request().getHeader("Idempotency-Key");
    if (key != null && (key.isBlank() || key.length() > 200)) {
      throw ApiException.invalid("Idempotency-Key", "Idempotency-Key must be 1 to 200 characters");
    }
    String requestHash = Tokens.sha256Hex(threadId + "|" + retry + "|" + options.encode());
    Principal principal = Principal.of(ctx);
    return service.create(principal, threadId, options, key, requestHash, TraceIdHandler.traceId(ctx), retry)
        .map(created -> new JsonObject().put("run_id", created.runId().toString())
            .put("trace_id", created.traceId()).put("id", created.runId().toString()));
  }

  /** With {@code offset}: the original clients' {@code {data, total}} page; without: the seed's array and cursor. */
  private Future<Object> listOrSearch(RoutingContext ctx) {
    return RunSearch.requested(ctx)
        ? runs.search(Principal.of(ctx), RunSearch.parse(ctx)).map(page -> (Object) page)
        : list(ctx).map(page -> (Object) page);
  }

  private Future<JsonArray> list(RoutingContext ctx) {
    RunStatus status = status(ctx);
    Cursor cursor = Cursor.parse(Params.query(ctx, "before") != null ? Params.query(ctx, "before")
        : Params.query(ctx, "cursor"));
    int limit = Params.limit(ctx, 50, 200);
    return runs.list(Principal.of(ctx), status,
            cursor == null ? null : cursor.time(), cursor == null ? null : cursor.id(), limit)
        .map(page -> {
          page.forEach(item -> {
            JsonObject run = (JsonObject) item;
            run.put("next_cursor", Cursor.of(run.getString("created_at"), run.getString("run_id")));
          });
          return page;
        });
  }

  private Future<JsonObject> cancel(RoutingContext ctx) {
    UUID runId = Params.pathId(ctx, "run_id");
    RequestBody body = RequestBody.optional(ctx);
    Long lastSeen = body.optionalLong("last_seen_seq");
    if (lastSeen != null && lastSeen < 0) {
      throw ApiException.invalid("last_seen_seq", "last_seen_seq must be >= 0");
    }
    return service.cancel(Principal.of(ctx), runId, TraceIdHandler.traceId(ctx))
        .map(v -> new JsonObject().put("ok", true));
  }

  private Future<JsonObject> input(RoutingContext ctx) {
    UUID runId = Params.pathId(ctx, "run_id");
    RequestBody body = RequestBody.of(ctx);
    String content = body.string("content");
    String requestId = body.optionalString("request_id");
    if (content.getBytes(StandardCharsets.UTF_8).length > MAX_INPUT_BYTES) {
      throw new ApiException(422, "validation.error", "content must be at most " + MAX_INPUT_BYTES + " bytes",
          new JsonObject().put("field", "content"));
    }
    return service.provideInput(Principal.of(ctx), runId, content, requestId, TraceIdHandler.traceId(ctx))
        .map(v -> new JsonObject().put("ok", true));
  }

  private void events(RoutingContext ctx) {
    UUID runId = Params.pathId(ctx, "run_id");
    long afterSeq = afterSeq(ctx);
    boolean follow = Params.bool(ctx, "follow", true);
    service.status(Principal.of(ctx), runId)
        .onSuccess(status -> new SseStream(vertx, ctx.response(), hub, fetcher, runId, afterSeq, follow,
            status.terminal(),
            settings.sseBatchLimit(), settings.sseHeartbeatSeconds()).start())
        .onFailure(ctx::fail);
  }

  /** The {@code status} filter, if any: one of {@link RunStatus}'s names. */
  static RunStatus status(RoutingContext ctx) {
    String status = Params.query(ctx, "status");
    if (status != null && !RunStatus.wireNames().contains(status)) {
      throw ApiException.invalid("status", "status must be one of " + String.join(", ", RunStatus.wireNames()));
    }
    return status == null ? null : RunStatus.of(status);
  }

  private static long afterSeq(RoutingContext ctx) {
    String value = Params.query(ctx, "after_seq");
    String name = "after_seq";
    if (value == null) {
      value = ctx.request().getHeader("Last-Event-ID");
      name = "Last-Event-ID";
    }
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      long seq = Long.parseLong(value.trim());
      if (seq < 0) {
        throw ApiException.invalid(name, name + " must be >= 0");
      }
      return seq;
    } catch (NumberFormatException e) {
      throw ApiException.invalid(name, name + " must be a non-negative integer");
    }
  }

  /** The opaque list cursor: base64url of {@code <created_at>|<run id>}. */
  record Cursor(OffsetDateTime time, UUID id) {
    static String of(String createdAt, String id) {
      return Base64.getUrlEncoder().withoutPadding()
          .encodeToString((createdAt + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    static Cursor parse(String value) {
      if (value == null) {
        return null;
      }
      try {
        String[] parts = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8).split("\\|");
        return new Cursor(OffsetDateTime.parse(parts[0]), UUID.fromString(parts[1]));
      } catch (RuntimeException e) {
        throw ApiException.invalid("before", "before is not a valid cursor");
      }
    }
  }
}
