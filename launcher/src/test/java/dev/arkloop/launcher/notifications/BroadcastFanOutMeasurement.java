package dev.arkloop.launcher.notifications;

import static dev.arkloop.common.testing.Await.until;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The one-off measurement behind the README's broadcast figure: a broadcast to 100,000 active users,
 * from the 202 to {@code completed}. Not part of {@code verify}; run it with
 * {@code -Darkloop.measure=true -Dtest=BroadcastFanOutMeasurement}.
 */
@EnabledIfSystemProperty(named = "arkloop.measure", matches = "true")
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class BroadcastFanOutMeasurement {

  @Test
  void oneHundredThousandUsers() {
    try (TestNode node = TestNode.start(Map.of())) {
      TestClient root = node.register("root");
      TestInfra.execute(node.endpoints().database(), """
          INSERT INTO users (id, login, username, email)
          SELECT gen_random_uuid(), 'user' || n, 'user' || n, 'user' || n || '@example.com'
          FROM generate_series(1, 99999) AS n""");
      long started = System.nanoTime();
      String id = root.post("/v1/admin/notifications/broadcasts", new JsonObject().put("type", "announcement")
          .put("title", "Hello everyone").put("body", "A broadcast to every user").put("target", "all"))
          .bodyAsJsonObject().getString("id");
      until("the broadcast completed", 240, () -> "completed".equals(
          root.get("/v1/admin/notifications/broadcasts/" + id).bodyAsJsonObject().getString("status")));
      long millis = (System.nanoTime() - started) / 1_000_000;
      JsonObject done = root.get("/v1/admin/notifications/broadcasts/" + id).bodyAsJsonObject();
      System.out.printf("broadcast fan-out: %d users in %d ms%n", done.getInteger("sent_count"), millis);
      assertEquals(100_000, done.getInteger("sent_count"));
      assertTrue(millis < 30_000, millis + " ms");
    }
  }
}
