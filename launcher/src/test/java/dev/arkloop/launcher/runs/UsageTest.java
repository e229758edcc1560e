package dev.arkloop.launcher.runs;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static dev.arkloop.launcher.TestNode.run;
import static dev.arkloop.launcher.TestNode.thread;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.arkloop.common.testing.SseClient;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.launcher.TestNode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Usage totals add up the runs that happened, for the caller and for an account. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UsageTest {

  private static JsonObject finish(TestNode node, TestClient user, String runId) {
    SseClient sse = await(SseClient.open(node.vertx(), node.port(), "/v1/runs/" + runId + "/events", user.headers()));
    await(sse.ended(), 30);
    return user.get("/v1/runs/" + runId).bodyAsJsonObject();
  }

  @Test
  void usageAddsUpFinishedRuns() {
    try (TestNode node = TestNode.start(Map.of())) {
      node.register("root");
      TestClient ivy = node.register("ivy");
      TestClient jay = node.register("jay");
      JsonObject first = finish(node, ivy, run(ivy, thread(ivy, "one two three")));
      JsonObject second = finish(node, ivy, run(ivy, thread(ivy, "/tokens 7")));
      long input = first.getLong("total_input_tokens") + second.getLong("total_input_tokens");
      long output = first.getLong("total_output_tokens") + second.getLong("total_output_tokens");

      JsonObject month = ivy.get("/v1/me/usage").bodyAsJsonObject();
      assertEquals(2, month.getLong("record_count"));
      assertEquals(input, month.getLong("total_input_tokens"));
      assertEquals(output, month.getLong("total_output_tokens"));
      assertEquals(first.getString("org_id"), month.getString("org_id"));

      String today = LocalDate.now(ZoneOffset.UTC).toString();
      JsonArray daily = ivy.get("/v1/me/usage/daily?start=" + today + "&end=" + today).bodyAsJsonArray();
      assertEquals(1, daily.size());
      assertEquals(today, daily.getJsonObject(0).getString("date"));
      assertEquals(output, daily.getJsonObject(0).getLong("output_tokens"));

      JsonArray models = ivy.get("/v1/me/usage/by-model").bodyAsJsonArray();
      assertEquals("stub-1", models.getJsonObject(0).getString("model"));
      assertEquals(2, models.getJsonObject(0).getLong("record_count"));

      String org = first.getString("org_id");
      assertEquals(2, ivy.get("/v1/accounts/" + org + "/usage").bodyAsJsonObject().getLong("record_count"));
      assertEquals(0, jay.get("/v1/me/usage").bodyAsJsonObject().getLong("record_count"));
      assertError(jay.get("/v1/accounts/" + org + "/usage"), 404, "accounts.not_found");

      assertError(ivy.get("/v1/me/usage?month=13"), 400, "validation.error");
      assertError(ivy.get("/v1/me/usage/daily?start=" + today), 400, "validation.error");
      assertError(ivy.get("/v1/me/usage/daily?start=yesterday&end=" + today), 400, "validation.error");
      assertError(ivy.get("/v1/me/usage/daily?start=2026-02-01&end=2026-01-01"), 400, "validation.error");
      assertEquals(0, ivy.get("/v1/me/usage?year=2001&month=1").bodyAsJsonObject().getLong("record_count"));
    }
  }
}
