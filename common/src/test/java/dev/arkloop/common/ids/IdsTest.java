package dev.arkloop.common.ids;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.UUID;
import org.junit.jupiter.api.Test;

class IdsTest {

  @Test
  void newIdsAreVersion7AndSortByTime() throws InterruptedException {
    UUID first = Ids.newId();
    long millis = System.currentTimeMillis();
    while (System.currentTimeMillis() <= millis) {
      Thread.onSpinWait(); // the next millisecond, so the ids' timestamps differ
    }
    UUID second = Ids.newId();
    assertEquals(7, first.version());
    assertEquals(2, first.variant());
    assertTrue(first.toString().compareTo(second.toString()) < 0);
  }

  @Test
  void traceIdsAre32LowercaseHex() {
    String trace = Ids.newTraceId();
    assertTrue(trace.matches("[0-9a-f]{32}"), trace);
    assertTrue(Ids.isTraceId(trace));
    assertFalse(Ids.isTraceId("xyz"));
    assertFalse(Ids.isTraceId("g".repeat(32)));
  }

  @Test
  void parseUuidIsStrict() {
    assertNull(Ids.parseUuid("1-1-1-1-1"));
    assertNull(Ids.parseUuid("not-a-uuid"));
    assertNull(Ids.parseUuid(null));
    UUID id = UUID.randomUUID();
    assertEquals(id, Ids.parseUuid(id.toString()));
  }
}
