package dev.arkloop.api.threads;

import static dev.arkloop.api.threads.ThreadRoutesTest.createThread;
import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.db.Pools;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.common.threads.ContentParts;
import dev.arkloop.common.threads.Conversation;
import dev.arkloop.common.threads.ThreadMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Messages through the API, and the conversation access the run worker uses, on one database. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class MessageRoutesTest {
  private static final Set<String> MESSAGE_FIELDS = Set.of("id", "org_id", "account_id", "thread_id", "created_by_user_id", "role",
      "content", "content_json", "run_id", "created_at");
  private static User alice;
  private static TestClient client;
  private static Pool pool;

  @BeforeAll
  static void start(Vertx vertx) {
    ApiTestNode node = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), TestAccounts.NO_RATE_LIMITS);
    TestUsers.register(node.client(), "root");
    alice = TestUsers.register(node.client(), "alice");
    client = alice.client();
    pool = Pools.create(vertx, node.endpoints().database(), 2);
  }

  @AfterAll
  static void stop() {
    Await.await(pool.close());
  }

  private static String newThread() {
    return createThread(client, new JsonObject()).getString("id");
  }

  private static JsonObject post(String threadId, JsonObject body) {
    HttpResponse<Buffer> response = client.post("/v1/threads/" + threadId + "/messages", body);
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  @Test
  void userMessageHasTheDocumentedShapeAndBumpsTheThread() {
    JsonObject thread = createThread(client, new JsonObject());
    String threadId = thread.getString("id");
    JsonObject message = post(threadId, new JsonObject().put("content", "Hello there"));
    assertEquals(MESSAGE_FIELDS, message.fieldNames());
    assertEquals("user", message.getString("role"));
    assertEquals("Hello there", message.getString("content"));
    assertEquals(alice.id(), message.getString("created_by_user_id"));
    assertEquals(alice.orgId(), message.getString("org_id"));
    assertEquals(threadId, message.getString("thread_id"));
    assertNull(message.getString("run_id"));
    assertEquals(ContentParts.ofText("Hello there"), message.getJsonObject("content_json"));

    JsonObject after = client.get("/v1/threads/" + threadId).bodyAsJsonObject();
    assertTrue(after.getString("updated_at").compareTo(thread.getString("updated_at")) > 0);
  }

  @Test
  void structuredContentIsKeptAsSent() {
    JsonObject structured = new JsonObject().put("parts", new JsonArray()
        .add(ContentParts.text("look at this"))
        .add(new JsonObject().put("type", "attachment").put("name", "a.png")));
    JsonObject message = post(newThread(), new JsonObject().put("content", "look at this").put("content_json", structured));
    assertEquals(structured, message.getJsonObject("content_json"));
  }

  @Test
  void listIsOldestFirstAndPagesWithAfter() {
    String threadId = newThread();
    List<String> sent = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      sent.add(post(threadId, new JsonObject().put("content", "m" + i)).getString("id"));
    }
    HttpResponse<Buffer> first = client.get("/v1/threads/" + threadId + "/messages?limit=3&after=" + sent.get(0));
    assertEquals(sent.subList(1, 4), ids(first));
    String next = first.getHeader(ThreadRoutes.NEXT_CURSOR_HEADER);
    assertEquals(sent.get(3), next);
    HttpResponse<Buffer> second = client.get("/v1/threads/" + threadId + "/messages?limit=3&after=" + next);
    assertEquals(sent.subList(4, 7), ids(second));
    assertNull(second.getHeader(ThreadRoutes.NEXT_CURSOR_HEADER));
    assertEquals(sent, ids(client.get("/v1/threads/" + threadId + "/messages")));
    assertEquals(List.of(), ids(client.get("/v1/threads/" + threadId + "/messages?after=" + sent.get(6))));
  }

  @Test
  void concurrentPostsToOneThreadAllSucceed(Vertx vertx) {
    String threadId = newThread();
    WebClient web = WebClient.create(vertx);
    List<Future<HttpResponse<Buffer>>> posts = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      posts.add(web.post(client.port(), "127.0.0.1", "/v1/threads/" + threadId + "/messages")
          .bearerTokenAuthentication(alice.token())
          .sendJsonObject(new JsonObject().put("content", "parallel " + i)));
    }
    Await.await(Future.join(posts));
    for (Future<HttpResponse<Buffer>> post : posts) {
      assertEquals(201, post.result().statusCode(), post.result().bodyAsString());
    }
    assertEquals(30, client.get("/v1/threads/" + threadId + "/messages").bodyAsJsonArray().size());
    web.close();
  }

  @Test
  void hiddenMessagesAreNeverListed() {
    String threadId = newThread();
    String kept = post(threadId, new JsonObject().put("content", "keep me")).getString("id");
    String hidden = post(threadId, new JsonObject().put("content", "hide me")).getString("id");
    String later = post(threadId, new JsonObject().put("content", "after")).getString("id");
    assertTrue(Await.await(Conversation.hideMessage(pool, UUID.fromString(alice.orgId()), UUID.fromString(hidden))));

    assertEquals(List.of(kept, later), ids(client.get("/v1/threads/" + threadId + "/messages")));
    assertEquals(List.of(later), ids(client.get("/v1/threads/" + threadId + "/messages?after=" + hidden)));
    assertEquals(List.of(), ids(client.get("/v1/threads/search?q=hide")));
  }

  @Test
  void workerAppendsTheAssistantAnswerInItsTransactionAndReadsTheVisibleConversation() {
    String threadId = newThread();
    post(threadId, new JsonObject().put("content", "What is 2+2?"));
    UUID org = UUID.fromString(alice.orgId());
    UUID thread = UUID.fromString(threadId);
    UUID runId = UUID.randomUUID();
    JsonObject structured = ContentParts.of(ContentParts.toolCall("call_1", "calc", new JsonObject().put("x", "2+2")),
        ContentParts.toolResult("call_1", "calc", 4), ContentParts.text("It is 4."));

    ThreadMessage answer = Await.await(pool.withTransaction(tx ->
        Conversation.appendAssistantMessage(tx, org, thread, runId, "It is 4.", structured)));
    assertEquals("assistant", answer.role());
    assertNull(answer.createdByUserId());

    List<ThreadMessage> conversation = Await.await(Conversation.visibleMessages(pool, org, thread));
    assertEquals(List.of("user", "assistant"), conversation.stream().map(ThreadMessage::role).toList());
    assertEquals(3, ContentParts.partsOf(conversation.get(1)).size());
    assertEquals(1, ContentParts.partsOf(conversation.get(0)).size());

    JsonArray listed = client.get("/v1/threads/" + threadId + "/messages").bodyAsJsonArray();
    JsonObject assistant = listed.getJsonObject(1);
    assertNull(assistant.getString("created_by_user_id"));
    assertEquals(runId.toString(), assistant.getString("run_id"));
    assertEquals(structured, assistant.getJsonObject("content_json"));

    UUID otherOrg = UUID.randomUUID();
    assertTrue(Await.await(Conversation.visibleMessages(pool, otherOrg, thread)).isEmpty());
    Throwable failure = Await.await(pool.withTransaction(tx -> Conversation.appendAssistantMessage(tx, otherOrg,
        thread, runId, "leak", null)).map(m -> (Throwable) null).otherwise(e -> e));
    assertTrue(failure instanceof IllegalStateException);
  }

  @Test
  void badInputGetsTheRightStatus() {
    String threadId = newThread();
    String path = "/v1/threads/" + threadId + "/messages";
    assertError(client.post(path, new JsonObject()), 400, "validation.error");
    assertError(client.post(path, new JsonObject().put("content", "")), 400, "validation.error");
    assertError(client.post(path, new JsonObject().put("content", "   ")), 400, "validation.error");
    assertError(client.post(path, new JsonObject().put("content", "x".repeat(20_001))), 400, "validation.error");
    assertEquals(201, client.post(path, new JsonObject().put("content", "x".repeat(20_000))).statusCode());
    assertError(client.post(path, new JsonObject().put("content", 42)), 422, "validation.error");
    assertError(client.post(path, new JsonObject().put("content", "x").put("content_json", "text")), 422,
        "validation.error");
    assertError(client.sendRaw(HttpMethod.POST, path, "{oops"), 422, "validation.error");
    assertError(client.sendRaw(HttpMethod.POST, path, "{\"content\":\"" + "x".repeat(1_100_000) + "\"}"), 413,
        "validation.body_too_large");
    assertError(client.post("/v1/threads/nope/messages", new JsonObject().put("content", "x")), 400,
        "validation.error");
    assertError(client.post("/v1/threads/" + UUID.randomUUID() + "/messages", new JsonObject().put("content", "x")),
        404, "threads.not_found");
    assertError(client.get("/v1/threads/" + UUID.randomUUID() + "/messages"), 404, "threads.not_found");
    for (String limit : List.of("0", "501", "many")) {
      assertError(client.get(path + "?limit=" + limit), 400, "validation.error");
    }
    assertEquals(200, client.get(path + "?limit=500").statusCode());
    assertError(client.get(path + "?after=nope"), 400, "validation.error");
    assertError(client.get(path + "?after=" + UUID.randomUUID()), 400, "validation.error");
  }

  private static List<String> ids(HttpResponse<Buffer> response) {
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonArray().stream().map(item -> ((JsonObject) item).getString("id")).toList();
  }
}
