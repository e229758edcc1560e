package dev.arkloop.launcher.notifications;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.Await.until;
import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiVerticle;
import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.TestNode;
import dev.arkloop.launcher.security.Members;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Notifications, their live stream and broadcasts, through the HTTP API of a whole node. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class NotificationsTest {
  private static TestNode node;
  private static TestClient root;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of());
    root = node.register("root"); // the first user is the platform admin
  }

  @AfterAll
  static void stop() {
    node.close();
  }

  private static String accountOf(TestClient user) {
    return user.get("/v1/me").bodyAsJsonObject().getString("org_id");
  }

  private static String invite(TestClient owner, String email) {
    HttpResponse<Buffer> invited = owner.post("/v1/accounts/" + accountOf(owner) + "/invitations",
        new JsonObject().put("email", email).put("role", "account_member"));
    assertEquals(201, invited.statusCode(), invited.bodyAsString());
    return invited.bodyAsJsonObject().getString("token");
  }

  private static JsonArray list(TestClient user, String query) {
    HttpResponse<Buffer> response = user.get("/v1/notifications" + query);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("data");
  }

  private static long unread(TestClient user) {
    return user.get("/v1/notifications/unread-count").bodyAsJsonObject().getLong("count");
  }

  private static SseClient stream(int port, TestClient user, String lastEventId) {
    Map<String, String> headers = new HashMap<>(user.headers());
    if (lastEventId != null) {
      headers.put("Last-Event-ID", lastEventId);
    }
    SseClient sse = await(SseClient.open(node.vertx(), port, "/v1/notifications/events", headers));
    assertEquals(200, sse.status());
    until("the stream's opening ping", 10, () -> !sse.comments().isEmpty());
    return sse;
  }

  private static JsonObject broadcast(JsonObject body) {
    HttpResponse<Buffer> created = root.post("/v1/admin/notifications/broadcasts", body);
    assertEquals(202, created.statusCode(), created.bodyAsString());
    JsonObject broadcast = created.bodyAsJsonObject();
    assertEquals("pending", broadcast.getString("status"));
    String id = broadcast.getString("id");
    until("broadcast " + id + " completed", 30, () -> "completed".equals(
        root.get("/v1/admin/notifications/broadcasts/" + id).bodyAsJsonObject().getString("status")));
    return root.get("/v1/admin/notifications/broadcasts/" + id).bodyAsJsonObject();
  }

  @Test
  void anInvitationNotifiesTheInviteeWhoMarksItRead() {
    TestClient owner = node.register("inv-owner");
    TestClient invitee = node.register("inv-guest");
    TestClient stranger = node.register("inv-stranger");
    invite(owner, "inv-guest@example.com");
    invite(owner, "nobody-here@example.com"); // no account: nobody is notified

    JsonArray mine = list(invitee, "");
    assertEquals(1, mine.size());
    JsonObject notification = mine.getJsonObject(0);
    assertEquals("account.invitation_received", notification.getString("type"));
    assertEquals(accountOf(owner), notification.getJsonObject("payload").getString("account_id"));
    assertFalse(notification.encode().contains("token"), "the invitation token is never in a notification");
    assertNull(notification.getValue("read_at"));
    assertEquals(1, unread(invitee));
    assertEquals(0, list(stranger, "").size());

    String id = notification.getString("id");
    assertError(stranger.patch("/v1/notifications/" + id, new JsonObject()), 404, "not_found");
    assertError(invitee.patch("/v1/notifications/not-a-uuid", new JsonObject()), 400, "validation.error");
    assertEquals(new JsonObject().put("ok", true), invitee.patch("/v1/notifications/" + id, new JsonObject()).bodyAsJsonObject());
    assertError(invitee.patch("/v1/notifications/" + id, new JsonObject()), 404, "not_found");
    assertEquals(0, unread(invitee));
    assertNotNull(list(invitee, "").getJsonObject(0).getString("read_at"));
    assertEquals(0, list(invitee, "?unread_only=true").size());

    invite(owner, "inv-guest@example.com");
    invite(owner, "inv-guest@example.com");
    assertEquals(2, unread(invitee));
    JsonObject all = invitee.patch("/v1/notifications", new JsonObject()).bodyAsJsonObject();
    assertEquals(new JsonObject().put("ok", true).put("count", 2), all);
    assertEquals(0, unread(invitee));
  }

  @Test
  void listsFilterAndPageNewestFirst() {
    TestClient owner = node.register("page-owner");
    TestClient reader = node.register("page-reader");
    for (int i = 0; i < 5; i++) {
      invite(owner, "page-reader@example.com");
    }
    assertEquals(0, list(reader, "?type=no.such.type").size());
    assertEquals(5, list(reader, "?type=account.invitation_received").size());
    assertError(reader.get("/v1/notifications?limit=0"), 400, "validation.error");
    assertError(reader.get("/v1/notifications?limit=201"), 400, "validation.error");
    assertError(reader.get("/v1/notifications?before=garbage"), 400, "validation.error");

    HttpResponse<Buffer> first = reader.get("/v1/notifications?limit=2");
    JsonArray page1 = first.bodyAsJsonObject().getJsonArray("data");
    assertEquals(2, page1.size());
    String cursor = first.getHeader("X-Next-Cursor");
    assertNotNull(cursor);
    JsonArray page2 = list(reader, "?limit=2&before=" + cursor);
    HttpResponse<Buffer> last = reader.get("/v1/notifications?limit=2&before="
        + reader.get("/v1/notifications?limit=2&before=" + cursor).getHeader("X-Next-Cursor"));
    JsonArray page3 = last.bodyAsJsonObject().getJsonArray("data");
    assertEquals(1, page3.size());
    assertNull(last.getHeader("X-Next-Cursor"));
    List<String> ids = new java.util.ArrayList<>();
    for (JsonArray page : List.of(page1, page2, page3)) {
      page.forEach(item -> ids.add(((JsonObject) item).getString("id")));
    }
    List<String> everything = list(reader, "").stream().map(item -> ((JsonObject) item).getString("id")).toList();
    assertEquals(everything, ids, "pages neither repeat nor skip, newest first");
    String newest = list(reader, "").getJsonObject(0).getString("created_at");
    String oldest = list(reader, "").getJsonObject(4).getString("created_at");
    assertTrue(newest.compareTo(oldest) >= 0);
  }

  @Test
  void broadcastsReachEveryActiveUserOfTheirTargetOnce() {
    TestClient owner = node.register("bc-owner");
    TestClient member = node.register("bc-member");
    TestClient outsider = node.register("bc-outsider");
    String token = invite(owner, "bc-member@example.com");
    Members.verifyEmail(node, member);
    assertEquals(200, member.post("/v1/account-invitations/" + token + "/accept", null).statusCode());

    JsonObject toAccount = broadcast(new JsonObject().put("type", "maintenance").put("title", "Downtime")
        .put("body", "Tonight at 22:00").put("target", accountOf(owner)).put("payload", new JsonObject().put("k", 1)));
    assertEquals(2, toAccount.getInteger("sent_count"));
    assertEquals("org", toAccount.getString("target_type"));
    assertEquals(accountOf(owner), toAccount.getString("target_id"));
    assertEquals(1, list(member, "?type=maintenance").size());
    assertEquals(1, list(owner, "?type=maintenance").size());
    assertEquals(0, list(outsider, "?type=maintenance").size());
    JsonObject received = list(member, "?type=maintenance").getJsonObject(0);
    assertEquals("Downtime", received.getString("title"));
    assertEquals(1, received.getJsonObject("payload").getInteger("k"));

    JsonObject toAll = broadcast(new JsonObject().put("type", "release").put("title", "v2")
        .put("body", "New version").put("target", "all"));
    assertTrue(toAll.getInteger("sent_count") >= 4, toAll.encode()); // root, owner, member, outsider at least
    assertEquals(1, list(outsider, "?type=release").size());
    assertEquals("all", toAll.getString("target_type"));

    String readId = list(member, "?type=release").getJsonObject(0).getString("id");
    assertEquals(200, member.patch("/v1/notifications/" + readId, new JsonObject()).statusCode());
    assertEquals(204, root.delete("/v1/admin/notifications/broadcasts/" + toAll.getString("id")).statusCode());
    assertEquals(0, list(outsider, "?type=release").size(), "unread notifications of a deleted broadcast go");
    assertEquals(1, list(member, "?type=release").size(), "read ones stay");
    assertError(root.get("/v1/admin/notifications/broadcasts/" + toAll.getString("id")), 404, "broadcasts.not_found");
    assertError(root.delete("/v1/admin/notifications/broadcasts/" + toAll.getString("id")), 404,
        "broadcasts.not_found");
    JsonArray listed = root.get("/v1/admin/notifications/broadcasts").bodyAsJsonArray();
    assertTrue(listed.stream().anyMatch(b -> ((JsonObject) b).getString("id").equals(toAccount.getString("id"))));
    assertTrue(listed.stream().noneMatch(b -> ((JsonObject) b).getString("id").equals(toAll.getString("id"))));
  }

  @Test
  void broadcastInputIsValidated() {
    TestClient user = node.register("bc-plain");
    JsonObject good = new JsonObject().put("type", "t").put("title", "x").put("body", "y").put("target", "all");
    assertError(user.post("/v1/admin/notifications/broadcasts", good), 403, "auth.forbidden");
    String path = "/v1/admin/notifications/broadcasts";
    assertField(root.post(path, good.copy().put("title", "")), "title");
    assertField(root.post(path, good.copy().put("title", "t".repeat(201))), "title");
    assertField(root.post(path, good.copy().put("body", "b".repeat(10_001))), "body");
    assertField(root.post(path, good.copy().put("target", "everyone")), "target");
    assertField(root.post(path, good.copy().put("target", "00000000-0000-7000-8000-000000000000")), "target");
    assertField(root.post(path, good.copy().put("payload", new JsonObject().put("big", "p".repeat(17_000)))),
        "payload");
    JsonObject untyped = good.copy();
    untyped.remove("type");
    assertField(root.post(path, untyped), "type");
    assertError(root.post(path, good.copy().put("payload", "text")), 422, "validation.error");
    assertError(root.get(path + "/not-a-uuid"), 400, "validation.error");
    assertError(root.get(path + "?limit=500"), 400, "validation.error");
  }

  private static void assertField(HttpResponse<Buffer> response, String field) {
    JsonObject error = assertError(response, 400, "validation.error");
    assertEquals(field, error.getJsonObject("details").getString("field"), error.encode());
  }

  @Test
  void theLiveStreamDeliversNewNotificationsAndReplaysMissedOnes() {
    TestClient owner = node.register("live-owner");
    TestClient watcher = node.register("live-watcher");
    invite(owner, "live-watcher@example.com"); // before the stream: not sent to a stream without Last-Event-ID
    SseClient sse = stream(node.port(), watcher, null);
    String token = invite(owner, "live-watcher@example.com");
    until("the live notification", 10, () -> sse.frames().size() == 1);
    SseClient.Frame frame = sse.frames().get(0);
    assertEquals(frame.data().getString("id"), frame.eventId());
    assertEquals("account.invitation_received", frame.data().getString("type"));
    assertFalse(frame.data().encode().contains(token));
    sse.close();

    invite(owner, "live-watcher@example.com");
    invite(owner, "live-watcher@example.com");
    SseClient resumed = stream(node.port(), watcher, frame.eventId());
    until("the two missed notifications", 10, () -> resumed.frames().size() == 2);
    List<String> newestFirst = list(watcher, "?limit=2").stream().map(n -> ((JsonObject) n).getString("id")).toList();
    assertEquals(List.of(newestFirst.get(1), newestFirst.get(0)),
        resumed.frames().stream().map(SseClient.Frame::eventId).toList(), "replayed oldest first");
    invite(owner, "live-watcher@example.com");
    until("a live one after the replay", 10, () -> resumed.frames().size() == 3);
    assertEquals(3, resumed.frames().stream().map(SseClient.Frame::eventId).distinct().count());
    resumed.close();

    assertError(watcher.withHeader("Last-Event-ID", "nope").get("/v1/notifications/events"), 400,
        "validation.error");
    assertError(node.client().get("/v1/notifications/events"), 401, "auth.unauthorized");
  }

  @Test
  void aNotificationMadeThroughOneApiVerticleReachesAStreamOnAnother() {
    ApiVerticle second = new ApiVerticle(node.config(), node.endpoints());
    await(node.vertx().deployVerticle(second));
    TestClient owner = node.register("two-owner");
    TestClient watcher = node.register("two-watcher");
    TestClient watcherOnB = new TestClient(node.vertx(), second.actualPort())
        .withHeader("Authorization", watcher.headers().get("Authorization"));
    SseClient onB = stream(second.actualPort(), watcherOnB, null);
    invite(owner, "two-watcher@example.com"); // through node A
    until("the notification on verticle B", 10, () -> onB.frames().size() == 1);
    assertEquals("account.invitation_received", onB.frames().get(0).data().getString("type"));

    broadcast(new JsonObject().put("type", "live.broadcast").put("title", "hi").put("body", "all")
        .put("target", "all"));
    until("the broadcast on verticle B", 10, () -> onB.frames().size() == 2);
    assertEquals("live.broadcast", onB.frames().get(1).data().getString("type"));
    onB.close();
  }
}
