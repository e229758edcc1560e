package dev.arkloop.api.threads;

import static dev.arkloop.api.threads.ThreadRoutesTest.createThread;
import static dev.arkloop.api.threads.ThreadRoutesTest.newestFirst;
import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Keyset pagination of the thread list: stable under concurrent inserts, with every cursor form. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class ThreadPaginationTest {
  private static TestClient anonymous;

  @BeforeAll
  static void start(Vertx vertx) {
    anonymous = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), TestAccounts.NO_RATE_LIMITS).client();
    TestUsers.register(anonymous, "root");
  }

  private static TestClient newUser(String login) {
    return TestUsers.register(anonymous, login).client();
  }

  private static List<String> createThreads(TestClient client, int count) {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      ids.add(createThread(client, new JsonObject().put("title", "thread " + i)).getString("id"));
    }
    return ids;
  }

  @Test
  void pagingWhileThreadsAreInsertedNeitherRepeatsNorSkips() throws InterruptedException {
    TestClient client = newUser("pager");
    Set<String> existing = new HashSet<>(createThreads(client, 150));
    ConcurrentLinkedQueue<String> inserted = new ConcurrentLinkedQueue<>();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> writerFailure = new AtomicReference<>();
    Thread writer = new Thread(() -> {
      try {
        while (!stop.get()) {
          inserted.add(createThread(client, new JsonObject().put("title", "late")).getString("id"));
        }
      } catch (Throwable e) {
        writerFailure.set(e);
      }
    });
    writer.start();

    List<String> seen = new ArrayList<>();
    String cursor = null;
    int pages = 0;
    do {
      HttpResponse<Buffer> page = client.get("/v1/threads?limit=15" + (cursor == null ? "" : "&before=" + cursor));
      seen.addAll(newestFirst(page));
      cursor = page.getHeader(ThreadRoutes.NEXT_CURSOR_HEADER);
      pages++;
      while (pages < 8 && inserted.size() < pages && writer.isAlive()) {
        Thread.sleep(5);
      }
    } while (cursor != null);
    stop.set(true);
    writer.join();

    assertNull(writerFailure.get());
    assertTrue(inserted.size() >= 7, "threads were inserted while paging: " + inserted.size());
    assertEquals(seen.size(), new HashSet<>(seen).size(), "no thread appears twice");
    assertTrue(seen.containsAll(existing), "no pre-existing thread is skipped");
    Set<String> known = new HashSet<>(existing);
    known.addAll(inserted);
    assertTrue(known.containsAll(seen));
  }

  @Test
  void everyCursorFormReachesTheSameNextPage() {
    TestClient client = newUser("cursors");
    List<String> created = createThreads(client, 12);
    HttpResponse<Buffer> first = client.get("/v1/threads?limit=5");
    List<String> firstIds = newestFirst(first);
    assertEquals(5, firstIds.size());
    String cursor = first.getHeader(ThreadRoutes.NEXT_CURSOR_HEADER);
    assertNotNull(cursor);
    JsonObject last = first.bodyAsJsonArray().getJsonObject(4);

    List<String> viaBefore = newestFirst(client.get("/v1/threads?limit=5&before=" + cursor));
    List<String> viaCursor = newestFirst(client.get("/v1/threads?limit=5&cursor=" + cursor));
    List<String> viaLegacyPair = newestFirst(client.get("/v1/threads?limit=5&before_updated_at="
        + URLEncoder.encode(last.getString("updated_at"), StandardCharsets.UTF_8) + "&before_id=" + last.getString("id")));
    assertEquals(viaBefore, viaCursor);
    assertEquals(viaBefore, viaLegacyPair);
    assertEquals(5, viaBefore.size());
    assertTrue(viaBefore.stream().noneMatch(firstIds::contains));

    HttpResponse<Buffer> third = client.get("/v1/threads?limit=5&before="
        + client.get("/v1/threads?limit=5&before=" + cursor).getHeader(ThreadRoutes.NEXT_CURSOR_HEADER));
    assertEquals(2, newestFirst(third).size());
    assertNull(third.getHeader(ThreadRoutes.NEXT_CURSOR_HEADER), "the last page has no next cursor");
    assertEquals(Set.copyOf(created), Set.copyOf(union(firstIds, viaBefore, newestFirst(third))));
  }

  @Test
  void aFullLastPageHasNoNextCursor() {
    TestClient client = newUser("exact");
    createThreads(client, 4);
    HttpResponse<Buffer> page = client.get("/v1/threads?limit=4");
    assertEquals(4, page.bodyAsJsonArray().size());
    assertNull(page.getHeader(ThreadRoutes.NEXT_CURSOR_HEADER));
  }

  @Test
  void newMessageMovesItsThreadToTheTop() {
    TestClient client = newUser("mover");
    List<String> created = createThreads(client, 3);
    String oldest = created.get(0);
    HttpResponse<Buffer> posted = client.post("/v1/threads/" + oldest + "/messages",
        new JsonObject().put("content", "bump"));
    assertEquals(201, posted.statusCode(), posted.bodyAsString());
    JsonArray list = client.get("/v1/threads").bodyAsJsonArray();
    assertEquals(oldest, list.getJsonObject(0).getString("id"));
    assertTrue(list.getJsonObject(0).getString("updated_at").compareTo(list.getJsonObject(0).getString("created_at")) > 0);
  }

  @Test
  void incompleteOrMalformedCursorsAre400() {
    TestClient client = newUser("badcursor");
    String id = createThread(client, new JsonObject()).getString("id");
    JsonObject onlyId = assertError(client.get("/v1/threads?before_id=" + id), 400, "validation.error");
    assertEquals("cursor_incomplete", onlyId.getJsonObject("details").getString("reason"));
    JsonObject onlyTime = assertError(client.get("/v1/threads?before_updated_at=2024-01-01T00:00:00Z"), 400,
        "validation.error");
    assertEquals("cursor_incomplete", onlyTime.getJsonObject("details").getString("reason"));

    assertError(client.get("/v1/threads?before=***"), 400, "validation.error");
    assertError(client.get("/v1/threads?cursor=" + encode("no separator")), 400, "validation.error");
    assertError(client.get("/v1/threads?before=" + encode("yesterday|" + id)), 400, "validation.error");
    assertError(client.get("/v1/threads?before=" + encode("2024-01-01T00:00:00Z|not-a-uuid")), 400, "validation.error");
    assertError(client.get("/v1/threads?before_updated_at=soon&before_id=" + id), 400, "validation.error");
    assertError(client.get("/v1/threads?before_updated_at=2024-01-01T00:00:00Z&before_id=x"), 400, "validation.error");
    assertEquals(0, client.get("/v1/threads?before=" + encode("2000-01-01T00:00:00Z|" + id)).bodyAsJsonArray().size());
  }

  private static String encode(String raw) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  @SafeVarargs
  private static List<String> union(List<String>... lists) {
    List<String> all = new ArrayList<>();
    for (List<String> list : lists) {
      all.addAll(list);
    }
    return all;
  }
}
