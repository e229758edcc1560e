package dev.arkloop.api.threads;

import static dev.arkloop.api.threads.ThreadRoutesTest.createThread;
import static dev.arkloop.api.threads.ThreadRoutesTest.ids;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Full-text search over titles and message text, ranked. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ThreadSearchTest {
  private static TestClient anonymous;

  @BeforeAll
  static void start(Vertx vertx) {
    anonymous = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), TestAccounts.NO_RATE_LIMITS).client();
    TestUsers.register(anonymous, "root");
  }

  private static String thread(TestClient client, String title, String... messages) {
    String id = createThread(client, new JsonObject().put("title", title)).getString("id");
    for (String message : messages) {
      assertEquals(201, client.post("/v1/threads/" + id + "/messages", new JsonObject().put("content", message))
          .statusCode());
    }
    return id;
  }

  private static List<String> search(TestClient client, String q) {
    return ids(client.get("/v1/threads/search?q=" + URLEncoder.encode(q, StandardCharsets.UTF_8)));
  }

  @Test
  void titleAndBodyMatchRanksAboveBodyOnly() {
    TestClient client = TestUsers.register(anonymous, "ranker").client();
    String bodyOnly = thread(client, "weekly notes", "the telescope arrived today");
    String both = thread(client, "telescope setup", "mount the telescope on the tripod");
    String unrelated = thread(client, "groceries", "milk and bread");
    thread(client, "more notes", "nothing about optics");

    List<String> hits = search(client, "telescope");
    assertEquals(List.of(both, bodyOnly), hits);
    assertFalse(hits.contains(unrelated));
  }

  @Test
  void titleOnlyMatchRanksAboveBodyOnly() {
    TestClient client = TestUsers.register(anonymous, "titles").client();
    String titleOnly = thread(client, "kayak trip", "packing list");
    String bodyOnly = thread(client, "summer", "we could rent a kayak");
    assertEquals(List.of(titleOnly, bodyOnly), search(client, "kayak"));
  }

  @Test
  void equalRanksPutTheMostRecentlyActiveFirst() {
    TestClient client = TestUsers.register(anonymous, "ties").client();
    String older = thread(client, "budget review");
    String newer = thread(client, "budget review");
    assertEquals(List.of(newer, older), search(client, "budget"));
    client.post("/v1/threads/" + older + "/messages", new JsonObject().put("content", "unrelated words"));
    assertEquals(List.of(older, newer), search(client, "budget"));
  }

  @Test
  void everyWordMustMatchTheTitleOrOneMessageInAnyLanguage() {
    TestClient client = TestUsers.register(anonymous, "polyglot").client();
    String german = thread(client, "Straßenbahn Fahrplan", "Abfahrt um acht");
    String japanese = thread(client, "東京 旅行");
    thread(client, "Straßenbahn", "nur eins");
    assertEquals(List.of(german), search(client, "straßenbahn FAHRPLAN"));
    assertEquals(List.of(german), search(client, "abfahrt acht"));
    assertEquals(List.of(), search(client, "Straßenbahn Abfahrt"));
    assertEquals(List.of(japanese), search(client, "東京"));
    assertEquals(List.of(), search(client, "\"!!!\""));

    TestClient other = TestUsers.register(anonymous, "snoop").client();
    assertTrue(search(other, "Straßenbahn").isEmpty());
  }

  @Test
  void limitBoundsTheResults() {
    TestClient client = TestUsers.register(anonymous, "many").client();
    for (int i = 0; i < 5; i++) {
      thread(client, "repeated topic " + i);
    }
    assertEquals(3, ids(client.get("/v1/threads/search?q=topic&limit=3")).size());
    assertEquals(5, search(client, "topic").size());
  }
}
