package dev.arkloop.common.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RunEventTest {
  @Test
  void theStoredFormKeepsMicrosecondsSoRedisAndPostgresReplaysAgree() {
    OffsetDateTime at = OffsetDateTime.of(2026, 11, 29, 18, 0, 1, 123_456_000, ZoneOffset.UTC);
    RunEvent event = new RunEvent(UUID.randomUUID(), 7, "message.delta", new JsonObject().put("content_delta", "hi"), at);

    RunEvent back = RunEvent.fromStored(new JsonObject(event.toStored().encode()));

    assertEquals(at.toInstant(), back.createdAt().toInstant());
    assertEquals("2026-11-29T18:00:01.123456Z", back.envelope().getString("created_at"));
    assertEquals(event.sseFrame(), back.sseFrame());
  }

  @Test
  void theStoredTextIsTheStoredFormAroundTheDataEncodedOnce() {
    OffsetDateTime at = OffsetDateTime.of(2026, 11, 29, 18, 0, 1, 123_456_000, ZoneOffset.UTC);
    JsonObject data = new JsonObject().put("content_delta", "a \"quoted\" line\n").put("n", 3);
    RunEvent event = new RunEvent(UUID.randomUUID(), 7, "message.delta", data, at);

    assertEquals(event.toStored(), new JsonObject(event.toStoredJson()));
    assertEquals(data, new JsonObject(event.dataJson()));
  }

  @Test
  void newEventsAreStampedToTheMicrosecond() {
    RunEvent event = RunEvent.now(UUID.randomUUID(), 1, EventTypes.STARTED, null);
    assertEquals(0, event.createdAt().getNano() % 1_000);
  }
}
