package dev.arkloop.client;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiVerticle;
import dev.arkloop.client.api.AuthApi;
import dev.arkloop.client.api.RunsApi;
import dev.arkloop.client.api.ThreadsApi;
import dev.arkloop.client.model.Registration;
import dev.arkloop.client.model.AuthRegisterRequest;
import dev.arkloop.client.model.Message;
import dev.arkloop.client.model.Run;
import dev.arkloop.client.model.RunCreated;
import dev.arkloop.client.model.RunOptions;
import dev.arkloop.client.model.ThreadResource;
import dev.arkloop.client.model.ThreadsCreateRequest;
import dev.arkloop.client.model.ThreadsMessagesCreateRequest;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.testing.ContractCheck;
import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.common.vertx.VertxFactory;
import dev.arkloop.worker.RunWorkerVerticle;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java client generated at build time from the served OpenAPI document drives one real flow on
 * a started node (API and worker, the stub model provider): register, create a thread, post a
 * message, start a run, follow its events to the end and read its final status.
 */
class GeneratedClientFlowTest {
  private static Vertx vertx;
  private static int port;

  @BeforeAll
  static void startNode() {
    NodeEndpoints endpoints = TestInfra.get().newEndpoints();
    ArkloopConfig config = TestInfra.get().config(endpoints, Map.of("ARKLOOP_STUB_TOKEN_DELAY_MS", "1",
        "ARKLOOP_WORKER_POLL_SECONDS", "0.1", "ARKLOOP_SSE_HEARTBEAT_SECONDS", "1"));
    vertx = await(VertxFactory.create(config));
    ApiVerticle api = new ApiVerticle(config, endpoints);
    await(vertx.deployVerticle(api));
    port = api.actualPort();
    await(vertx.deployVerticle(new RunWorkerVerticle(config, endpoints)));
    // the SSE frames read below are checked against the served AsyncAPI document
    ContractCheck.install(new TestClient(vertx, port));
  }

  @AfterAll
  static void stopNode() {
    await(vertx.close());
  }

  private static ApiClient client(String accessToken) {
    ApiClient client = new ApiClient().setScheme("http").setHost("127.0.0.1").setPort(port).setBasePath("");
    if (accessToken != null) {
      client.setRequestInterceptor(request -> request.header("Authorization", "Bearer " + accessToken));
    }
    return client;
  }

  @Test
  void aGeneratedClientRegistersTalksAndRunsTheAgentToCompletion() throws Exception {
    Registration registered = new AuthApi(client(null)).authRegister(new AuthRegisterRequest()
        .login("generated").password("correct horse battery").email("generated@example.com"));
    assertNotNull(registered.getUserId());
    ApiClient user = client(registered.getAccessToken());
    ThreadsApi threads = new ThreadsApi(user);
    RunsApi runs = new RunsApi(user);

    ThreadResource thread = threads.threadsCreate(new ThreadsCreateRequest().title("From the contract"));
    assertEquals("From the contract", thread.getTitle());
    Message message = threads.threadsMessagesCreate(thread.getId(),
        new ThreadsMessagesCreateRequest().content("hello from a generated client"));
    assertEquals(Message.RoleEnum.USER, message.getRole());

    RunCreated created = threads.threadsRunsCreate(thread.getId(), "flow-" + UUID.randomUUID(), new RunOptions());
    UUID runId = created.getRunId();
    assertTrue(created.getTraceId().matches("[0-9a-f]{32}"), created.getTraceId());

    // the generated client does not stream: the events are followed with the project's SSE client
    SseClient sse = await(SseClient.open(vertx, port, "/v1/runs/" + runId + "/events",
        Map.of("Authorization", "Bearer " + registered.getAccessToken())));
    assertEquals(200, sse.status());
    await(sse.ended(), 30);
    List<String> types = sse.frames().stream().map(frame -> frame.data().getString("type")).toList();
    assertEquals("run.started", types.get(0));
    assertEquals("run.completed", types.get(types.size() - 1), types.toString());

    Run run = runs.runsGet(runId);
    assertEquals(Run.StatusEnum.COMPLETED, run.getStatus());
    assertEquals(thread.getId(), run.getThreadId());
    assertNotNull(run.getCompletedAt());
    List<Message> messages = threads.threadsMessagesList(thread.getId(), null, null);
    assertEquals(List.of(Message.RoleEnum.USER, Message.RoleEnum.ASSISTANT),
        messages.stream().map(Message::getRole).toList());
    assertFalse(messages.get(1).getContent().isEmpty());
  }

  @Test
  void errorsArriveAsTheDocumentedEnvelope() {
    ApiException refused = org.junit.jupiter.api.Assertions.assertThrows(ApiException.class,
        () -> new ThreadsApi(client(null)).threadsGet(UUID.randomUUID()));
    assertEquals(401, refused.getCode());
    assertTrue(refused.getResponseBody().contains("\"error\":\"auth.unauthorized\""), refused.getResponseBody());
  }
}
