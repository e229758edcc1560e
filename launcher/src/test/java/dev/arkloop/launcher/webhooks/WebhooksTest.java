package dev.arkloop.launcher.webhooks;

import static dev.arkloop.common.testing.Await.until;
import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.launcher.RunEvents;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Webhook endpoints and signed, retried deliveries to a real local receiver, through the HTTP API. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhooksTest {
  private static TestNode node;
  private static TestClient admin;
  private static WebhookReceiver receiver;
  private static RunEvents runs;

  @BeforeAll
  static void start() {
    node = TestNode.start(Map.of("ARKLOOP_WEBHOOKS_ALLOW_PRIVATE", "1", "ARKLOOP_WEBHOOK_RETRY_BASE_SECONDS", "0.2",
        "ARKLOOP_WEBHOOK_TIMEOUT_SECONDS", "1", "ARKLOOP_WORKER_LEASE_SECONDS", "3",
        "ARKLOOP_WORKER_HEARTBEAT_SECONDS", "1"));
    node.register("root");
    admin = node.register("hooks-admin"); // account_admin of their own account: data.webhooks.manage
    receiver = new WebhookReceiver(node.vertx());
    runs = new RunEvents(node);
  }

  @AfterAll
  static void stop() {
    receiver.close();
    node.close();
  }

  static JsonObject endpoint(TestClient user, String url, String... events) {
    HttpResponse<Buffer> created = user.post("/v1/webhook-endpoints", new JsonObject().put("url", url)
        .put("events", new JsonArray(Arrays.asList(events))));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    return created.bodyAsJsonObject();
  }

  static JsonArray deliveries(TestClient user, String endpointId) {
    HttpResponse<Buffer> response = user.get("/v1/webhook-endpoints/" + endpointId + "/deliveries");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject().getJsonArray("data");
  }

  static JsonObject settled(TestClient user, String endpointId, int count) {
    until(count + " settled deliveries", 30, () -> {
      JsonArray all = deliveries(user, endpointId);
      return all.size() == count && all.stream().noneMatch(d -> ((JsonObject) d).getString("status").equals("pending"));
    });
    return deliveries(user, endpointId).getJsonObject(0);
  }

  /** Checks the documented formula against every secret given: each must have signed the request. */
  static void assertSignedBy(WebhookReceiver.Received request, String... secrets) {
    List<String> signatures = List.of(request.signature().split(","));
    assertEquals(secrets.length, signatures.size(), request.signature());
    for (String secret : secrets) {
      String expected = "sha256=" + Tokens.hmacSha256Hex(secret, request.timestamp() + "." + request.body());
      assertTrue(signatures.contains(expected), "signed with " + secret.substring(0, 8) + "…");
    }
  }

  @Test
  void aDeliveryIsRetriedUntilTheReceiverAcceptsItWithTheSameIdAndValidSignatures() {
    JsonObject endpoint = endpoint(admin, receiver.url("retry"), "run.completed");
    String secret = endpoint.getString("secret");
    assertTrue(secret.startsWith("whsec_"));
    assertFalse(admin.get("/v1/webhook-endpoints/" + endpoint.getString("id")).bodyAsString().contains(secret),
        "the secret is shown once");
    receiver.script("retry", 500, 500, 200);
    String runId = runs.start(admin, "hello hooks", new JsonObject());
    runs.follow(admin, runId);

    JsonObject delivery = settled(admin, endpoint.getString("id"), 1);
    assertEquals("delivered", delivery.getString("status"), delivery.encode());
    assertEquals(3, delivery.getInteger("attempts"));
    assertEquals(200, delivery.getInteger("last_response_status"));
    assertEquals("answer 200", delivery.getString("last_response_body"));
    List<WebhookReceiver.Received> got = receiver.received("retry");
    assertEquals(3, got.size());
    for (WebhookReceiver.Received request : got) {
      assertEquals(delivery.getString("id"), request.delivery(), "stable across retries");
      assertEquals("run.completed", request.event());
      assertSignedBy(request, secret);
      JsonObject body = request.json();
      assertEquals(delivery.getString("id"), body.getString("id"));
      assertEquals("run.completed", body.getString("type"));
      assertEquals(runId, body.getJsonObject("data").getString("run_id"));
      assertEquals("completed", body.getJsonObject("data").getString("status"));
      assertNotNull(body.getString("created_at"));
    }

    HttpResponse<Buffer> again = admin.post("/v1/webhook-endpoints/" + endpoint.getString("id") + "/deliveries/"
        + delivery.getString("id") + "/redeliver", new JsonObject());
    assertEquals(200, again.statusCode(), again.bodyAsString());
    until("the redelivery", 20, () -> receiver.received("retry").size() == 4);
    assertEquals(delivery.getString("id"), receiver.received("retry").get(3).delivery());
    assertEquals("delivered", settled(admin, endpoint.getString("id"), 1).getString("status"));
  }

  @Test
  void onlySubscribedEventsAreDeliveredIncludingWaitingForInput() {
    JsonObject endpoint = endpoint(admin, receiver.url("waiting"), "run.waiting_for_input", "run.failed");
    String runId = runs.start(admin, "/ask Which colour?", new JsonObject());
    RunEvents.waitForStatus(admin, runId, "waiting_for_input");
    assertEquals(200, admin.post("/v1/runs/" + runId + "/input", new JsonObject().put("content", "red")).statusCode());
    runs.follow(admin, runId);
    String failed = runs.start(admin, "/fail provider.auth", new JsonObject());
    runs.follow(admin, failed);
    settled(admin, endpoint.getString("id"), 2);
    List<String> events = receiver.received("waiting").stream().map(WebhookReceiver.Received::event).toList();
    assertEquals(List.of("run.waiting_for_input", "run.failed"), events, "no run.completed: not subscribed");
    JsonObject failure = receiver.received("waiting").get(1).json().getJsonObject("data");
    assertEquals(failed, failure.getString("run_id"));
    assertEquals("provider.auth", failure.getString("error_class"));
  }

  @Test
  void aHangingReceiverTimesOutAndTheDeliveryIsRetried() {
    JsonObject endpoint = endpoint(admin, receiver.url("hang"), "run.completed");
    receiver.script("hang", 0, 200);
    runs.follow(admin, runs.start(admin, "slow receiver", new JsonObject()));
    JsonObject delivery = settled(admin, endpoint.getString("id"), 1);
    assertEquals("delivered", delivery.getString("status"));
    assertEquals(2, delivery.getInteger("attempts"));
    assertEquals(2, receiver.received("hang").size());
  }

  @Test
  void goneDisablesTheEndpoint() {
    JsonObject endpoint = endpoint(admin, receiver.url("gone"), "run.completed");
    receiver.script("gone", 410);
    runs.follow(admin, runs.start(admin, "gone", new JsonObject()));
    JsonObject delivery = settled(admin, endpoint.getString("id"), 1);
    assertEquals("failed", delivery.getString("status"));
    JsonObject after = admin.get("/v1/webhook-endpoints/" + endpoint.getString("id")).bodyAsJsonObject();
    assertFalse(after.getBoolean("enabled"));
    runs.follow(admin, runs.start(admin, "not delivered", new JsonObject()));
    assertEquals(1, receiver.received("gone").size());
    assertEquals(1, deliveries(admin, endpoint.getString("id")).size(), "a disabled endpoint gets no deliveries");
    JsonObject enabled = admin.patch("/v1/webhook-endpoints/" + endpoint.getString("id"),
        new JsonObject().put("enabled", true)).bodyAsJsonObject();
    assertTrue(enabled.getBoolean("enabled"));
  }

  @Test
  void anEndpointFailingForThreeDaysIsDisabledAndItsCreatorNotified() {
    TestClient owner = node.register("streak-owner");
    JsonObject endpoint = endpoint(owner, receiver.url("streak"), "run.completed");
    String id = endpoint.getString("id");
    receiver.script("streak", 500);
    TestInfra.execute(node.endpoints().database(), "UPDATE webhook_endpoints SET failing_since = now() - "
        + "interval '3 days 1 minute' WHERE id = '" + id + "'"); // its earlier deliveries kept failing
    runs.follow(owner, runs.start(owner, "one more failure", new JsonObject()));

    JsonObject delivery = settled(owner, id, 1);
    assertEquals("failed", delivery.getString("status"), delivery.encode());
    assertEquals(1, receiver.received("streak").size(), "not retried once the endpoint is disabled");
    JsonObject after = owner.get("/v1/webhook-endpoints/" + id).bodyAsJsonObject();
    assertFalse(after.getBoolean("enabled"));
    assertEquals("deliveries failed for 3 days", after.getString("disabled_reason"));
    JsonArray notified = owner.get("/v1/notifications?type=webhook.endpoint_disabled").bodyAsJsonObject()
        .getJsonArray("data");
    assertEquals(1, notified.size(), notified.encode());
    assertEquals(id, notified.getJsonObject(0).getJsonObject("payload").getString("endpoint_id"));
  }

  @Test
  void afterARotationBothSecretsSignAndPingAnswersWithTheReceiversStatus() {
    JsonObject endpoint = endpoint(admin, receiver.url("rotate"), "run.completed");
    String id = endpoint.getString("id");
    JsonObject rotated = admin.post("/v1/webhook-endpoints/" + id + "/rotate-secret", new JsonObject())
        .bodyAsJsonObject();
    String fresh = rotated.getString("secret");
    assertTrue(fresh.startsWith("whsec_") && !fresh.equals(endpoint.getString("secret")));
    receiver.script("rotate", 202);
    JsonObject ping = admin.post("/v1/webhook-endpoints/" + id + "/ping", new JsonObject()).bodyAsJsonObject();
    assertEquals(202, ping.getInteger("response_status"), ping.encode());
    assertTrue(ping.getBoolean("delivered"));
    WebhookReceiver.Received request = receiver.received("rotate").get(0);
    assertEquals("ping", request.event());
    assertSignedBy(request, fresh, endpoint.getString("secret"));
    assertEquals("ping", deliveries(admin, id).getJsonObject(0).getString("event_type"));
  }

  @Test
  void aWorkerKilledWithADeliveryInFlightLosesNothing() {
    JsonObject endpoint = endpoint(admin, receiver.url("killed"), "run.completed");
    receiver.script("killed", 0);
    runs.follow(admin, runs.start(admin, "kill the worker", new JsonObject()));
    until("the first attempt", 20, () -> receiver.received("killed").size() == 1);
    node.restartWorker();
    JsonObject delivery = settled(admin, endpoint.getString("id"), 1);
    assertEquals("delivered", delivery.getString("status"));
    List<WebhookReceiver.Received> got = receiver.received("killed");
    assertTrue(got.size() >= 2);
    assertEquals(1, got.stream().map(WebhookReceiver.Received::delivery).distinct().count());
  }

  @Test
  void badEndpointsAreRefusedAndOtherAccountsSeeNothing() {
    String path = "/v1/webhook-endpoints";
    assertError(admin.post(path, new JsonObject().put("url", receiver.url("x")).put("events", new JsonArray())), 422,
        "validation.error");
    assertError(admin.post(path, new JsonObject().put("url", receiver.url("x"))
        .put("events", new JsonArray().add("run.exploded"))), 422, "validation.error");
    JsonObject badUrl = assertError(admin.post(path, new JsonObject().put("url", "ftp://example.com/hook")
        .put("events", new JsonArray().add("run.completed"))), 400, "validation.error");
    assertEquals("url", badUrl.getJsonObject("details").getString("field"));
    assertError(admin.patch(path + "/00000000-0000-7000-8000-000000000000", new JsonObject().put("enabled", false)),
        404, "webhooks.not_found");

    JsonObject mine = endpoint(admin, receiver.url("mine"), "run.interrupted");
    TestClient other = node.register("hooks-other");
    assertError(other.get(path + "/" + mine.getString("id")), 404, "webhooks.not_found");
    assertError(other.get(path + "/" + mine.getString("id") + "/deliveries"), 404, "webhooks.not_found");
    assertError(other.delete(path + "/" + mine.getString("id")), 404, "webhooks.not_found");
    assertTrue(other.get(path).bodyAsJsonArray().isEmpty());
    assertEquals(new JsonObject().put("ok", true), admin.delete(path + "/" + mine.getString("id")).bodyAsJsonObject());
    assertError(admin.get(path + "/" + mine.getString("id")), 404, "webhooks.not_found");
  }

  @Test
  void withPrivateAddressesRefusedNoRequestLeavesTheMachine() {
    try (TestNode strict = TestNode.start(Map.of())) {
      strict.register("root");
      TestClient owner = strict.register("strict-owner");
      JsonObject refused = assertError(owner.post("/v1/webhook-endpoints", new JsonObject()
          .put("url", receiver.url("private")).put("events", new JsonArray().add("run.completed"))), 400,
          "validation.error");
      assertEquals("url", refused.getJsonObject("details").getString("field"));
      // an address that was public when saved and points into the private network now (DNS rebinding)
      JsonObject endpoint = endpoint(owner, "http://93.184.216.34/hook", "run.completed");
      TestInfra.execute(strict.endpoints().database(), "UPDATE webhook_endpoints SET url = '"
          + receiver.url("private") + "' WHERE id = '" + endpoint.getString("id") + "'");
      new RunEvents(strict).follow(owner, new RunEvents(strict).start(owner, "private", new JsonObject()));
      JsonObject delivery = settled(owner, endpoint.getString("id"), 1);
      assertEquals("failed", delivery.getString("status"));
      assertTrue(delivery.getString("last_error").contains("private or reserved address"), delivery.getString("last_error"));
      assertNull(delivery.getValue("last_response_status"));
      assertTrue(receiver.received("private").isEmpty());
    }
  }
}
