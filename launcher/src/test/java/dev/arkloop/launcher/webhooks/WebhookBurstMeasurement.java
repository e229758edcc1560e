package dev.arkloop.launcher.webhooks;

import static dev.arkloop.common.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.launcher.TestNode;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The one-off measurement behind the README's webhook burst figure: 1,000 runs of one account reach
 * {@code completed} in one statement (a burst of terminal transactions as the trigger sees it), and a
 * local receiver must get exactly 1,000 distinct deliveries. Not part of {@code verify}; run it with
 * {@code -Darkloop.measure=true -Dtest=WebhookBurstMeasurement}.
 */
@EnabledIfSystemProperty(named = "arkloop.measure", matches = "true")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WebhookBurstMeasurement {

  @Test
  void oneThousandRunsCompletingAtOnce() {
    try (TestNode node = TestNode.start(Map.of("ARKLOOP_WEBHOOKS_ALLOW_PRIVATE", "1",
        "ARKLOOP_WORKER_CONCURRENCY", "64"));
        WebhookReceiver receiver = new WebhookReceiver(node.vertx())) {
      node.register("root");
      TestClient owner = node.register("burst");
      String org = owner.get("/v1/me").bodyAsJsonObject().getString("org_id");
      WebhooksTest.endpoint(owner, receiver.url("burst"), "run.completed");
      var db = node.endpoints().database();
      TestInfra.execute(db, "INSERT INTO threads (id, org_id, title) SELECT gen_random_uuid(), '" + org
          + "', 'burst ' || n FROM generate_series(1, 1000) AS n");
      TestInfra.execute(db, "INSERT INTO runs (id, org_id, thread_id, job_id, status, trace_id) "
          + "SELECT gen_random_uuid(), org_id, id, gen_random_uuid(), 'running', md5(id::text) FROM threads "
          + "WHERE title LIKE 'burst %'");
      long started = System.nanoTime();
      TestInfra.execute(db, "UPDATE runs SET status = 'completed', completed_at = now() WHERE status = 'running'");
      until("1,000 deliveries", 240, () -> receiver.received("burst").size() >= 1000);
      long millis = (System.nanoTime() - started) / 1_000_000;
      System.out.printf("webhook burst: %d deliveries in %d ms%n", receiver.received("burst").size(), millis);
      assertEquals(1000, receiver.received("burst").stream().map(WebhookReceiver.Received::delivery).distinct()
          .count());
      assertEquals("1000", TestInfra.queryValue(db,
          "SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered' AND event_type = 'run.completed'"));
      assertTrue(millis < 30_000, millis + " ms");
    }
  }
}
