package dev.arkloop.common.runs;

import dev.arkloop.common.db.RowJson;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * One numbered event of a run, and its wire forms (the SSE envelope and the Redis stream entry).
 * Immutable; the SSE frame is encoded once however many subscribers it is written to.
 */
public final class RunEvent {
  private final UUID runId;
  private final long seq;
  private final String type;
  private final JsonObject data;
  private final OffsetDateTime createdAt;
  private String frame;
  private String dataJson;

  public RunEvent(UUID runId, long seq, String type, JsonObject data, OffsetDateTime createdAt) {
    this.runId = runId;
    this.seq = seq;
    this.type = type;
    this.data = data;
    this.createdAt = createdAt;
  }

  public UUID runId() {
    return runId;
  }

  public long seq() {
    return seq;
  }

  public String type() {
    return type;
  }

  public JsonObject data() {
    return data;
  }

  public OffsetDateTime createdAt() {
    return createdAt;
  }

  public static RunEvent now(UUID runId, long seq, String type, JsonObject data) {
    return new RunEvent(runId, seq, type, data == null ? new JsonObject() : data,
        OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS));
  }

  public boolean terminal() {
    return EventTypes.isTerminal(type);
  }

  /** The JSON clients receive: {@code seq, type, data, created_at} plus {@code event_id, run_id, ts}. */
  public JsonObject envelope() {
    String ts = RowJson.timestampMicros(createdAt);
    JsonObject envelope = new JsonObject()
        .put("event_id", runId + ":" + seq)
        .put("run_id", runId.toString())
        .put("seq", seq)
        .put("type", type)
        .put("data", data)
        .put("created_at", ts)
        .put("ts", ts);
    if (data.containsKey("tool_name")) {
      envelope.put("tool_name", data.getString("tool_name"));
    }
    if (EventTypes.FAILED.equals(type)) {
      envelope.put("error_class", data.getString("error_class"));
    }
    return envelope;
  }

  /** The SSE frame: the seq as {@code id}, the envelope on one {@code data} line. */
  public String sseFrame() {
    String encoded = frame;
    if (encoded == null) {
      encoded = "id: " + seq + "\ndata: " + envelope().encode() + "\n\n";
      frame = encoded; // a benign race: every thread computes the same string
    }
    return encoded;
  }

  @Override
  public String toString() {
    return "RunEvent[run=" + runId + ", seq=" + seq + ", type=" + type + "]";
  }

  /** {@code data} as JSON text, encoded once for both the PostgreSQL row and the Redis entry. */
  public String dataJson() {
    String encoded = dataJson;
    if (encoded == null) {
      encoded = data.encode();
      dataJson = encoded; // a benign race, as for the frame
    }
    return encoded;
  }

  /** {@link #toStored()} as JSON text, around the once-encoded {@link #dataJson()}. */
  public String toStoredJson() {
    return "{\"r\":\"" + runId + "\",\"s\":" + seq + ",\"t\":" + io.vertx.core.json.Json.encode(type)
        + ",\"d\":" + dataJson() + ",\"c\":" + ChronoUnit.MICROS.between(Instant.EPOCH, createdAt.toInstant()) + "}";
  }

  /** Compact form stored in the Redis stream and pub/sub messages ({@code c}: epoch microseconds). */
  public JsonObject toStored() {
    return new JsonObject().put("r", runId.toString()).put("s", seq).put("t", type).put("d", data)
        .put("c", ChronoUnit.MICROS.between(Instant.EPOCH, createdAt.toInstant()));
  }

  public static RunEvent fromStored(JsonObject json) {
    return new RunEvent(UUID.fromString(json.getString("r")), json.getLong("s"), json.getString("t"),
        json.getJsonObject("d"),
        OffsetDateTime.ofInstant(Instant.EPOCH.plus(json.getLong("c"), ChronoUnit.MICROS), ZoneOffset.UTC));
  }
}
