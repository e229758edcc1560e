package dev.arkloop.launcher;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Starts runs and reads their event streams, for tests of what a run does. */
public final class RunEvents {
  private static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");

  private final TestNode node;

  public RunEvents(TestNode node) {
    this.node = node;
  }

  /** Starts a run with the given create options on a new thread holding {@code message}; returns its id. */
  public String start(TestClient user, String message, JsonObject options) {
    return startOn(user, TestNode.thread(user, message), options);
  }

  public String startOn(TestClient user, String threadId, JsonObject options) {
    HttpResponse<Buffer> created = user.post("/v1/threads/" + threadId + "/runs", options);
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject().getString("run_id");
  }

  /**
   * Every event of the run, once it has ended. These tests are about what runs do, not about live
   * streaming (RunFlowTest covers that): they wait for the end, then replay, so a slow live tail on
   * a loaded machine cannot make them flaky.
   */
  public List<JsonObject> follow(TestClient user, String runId) {
    Await.until("run " + runId + " to end", 60, () -> TERMINAL.contains(status(user, runId)));
    return replay(user, runId);
  }

  /** The events so far, without waiting for the end. */
  public List<JsonObject> replay(TestClient user, String runId) {
    SseClient sse = await(SseClient.open(node.vertx(), node.port(), "/v1/runs/" + runId + "/events?follow=false",
        user.headers()));
    await(sse.ended(), 30);
    return sse.frames().stream().map(SseClient.Frame::data).collect(Collectors.toList());
  }

  public static List<String> types(List<JsonObject> events) {
    return events.stream().map(e -> e.getString("type")).collect(Collectors.toList());
  }

  public static List<JsonObject> ofType(List<JsonObject> events, String type) {
    return events.stream().filter(e -> e.getString("type").equals(type)).map(e -> e.getJsonObject("data"))
        .collect(Collectors.toList());
  }

  /** The data of the only event of that type. */
  public static JsonObject one(List<JsonObject> events, String type) {
    List<JsonObject> found = ofType(events, type);
    assertEquals(1, found.size(), type + " in " + types(events));
    return found.get(0);
  }

  public static String last(List<JsonObject> events) {
    return events.get(events.size() - 1).getString("type");
  }

  /** Polls the run until it has the status. */
  public static void waitForStatus(TestClient user, String runId, String status) {
    Await.until("run " + runId + " to reach " + status, 20, () -> status.equals(status(user, runId)));
  }

  private static String status(TestClient user, String runId) {
    return user.get("/v1/runs/" + runId).bodyAsJsonObject().getString("status");
  }
}
