package dev.arkloop.common.runs;

import dev.arkloop.common.jobs.JobQueue;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * The run event log in PostgreSQL: the truth. {@code (run_id, seq)} is the primary key, so a seq is
 * written once; a writer's batches are fenced by its job lease, so a worker that lost its lease
 * writes nothing more.
 */
public final class RunEventLog {
  private static final String INSERT_SELECT = """
      INSERT INTO run_events (run_id, seq, type, data, created_at)
      SELECT $1, x.seq, x.type, x.data::jsonb, x.created_at
      FROM unnest($2::bigint[], $3::text[], $4::text[], $5::timestamptz[]) AS x(seq, type, data, created_at)""";

  private RunEventLog() {}

  /** Appends without fencing: for the API, which writes seq 1 in the create transaction. */
  public static Future<Void> append(SqlClient client, List<RunEvent> events) {
    return client.preparedQuery(INSERT_SELECT).execute(columns(events)).mapEmpty();
  }

  /**
   * Appends only while the job lease {@code leaseToken} of {@code jobId} is held (the job row is
   * share-locked for the statement, so a takeover waits for it). False when the lease is gone.
   */
  public static Future<Boolean> appendFenced(SqlClient client, UUID jobId, UUID leaseToken, List<RunEvent> events) {
    Tuple values = columns(events).addValue(jobId).addValue(leaseToken);
    return client.preparedQuery("WITH lease AS (" + JobQueue.leaseHeld("$6", "$7") + ") " + INSERT_SELECT
            + " WHERE EXISTS (SELECT 1 FROM lease)")
        .execute(values)
        .map(rows -> rows.rowCount() == events.size());
  }

  /**
   * A lease holder's last events and the end of its job, in one statement: {@code endJob} (given the
   * number of its first parameter, as {@link JobQueue#completing} and {@link JobQueue#parking} take
   * it) is the fence, and the events are written only if it found the lease held. False when the
   * lease is gone: nothing is written.
   */
  public static Future<Boolean> appendEnding(SqlClient client, IntFunction<JobQueue.HeldUpdate> endJob,
      List<RunEvent> events) {
    if (events.isEmpty()) {
      JobQueue.HeldUpdate alone = endJob.apply(1);
      return client.preparedQuery(alone.sql()).execute(Tuple.from(alone.values())).map(rows -> rows.rowCount() == 1);
    }
    Tuple values = columns(events);
    JobQueue.HeldUpdate end = endJob.apply(values.size() + 1);
    end.values().forEach(values::addValue);
    return client.preparedQuery("WITH lease AS (" + end.sql() + ") " + INSERT_SELECT
            + " WHERE EXISTS (SELECT 1 FROM lease)")
        .execute(values)
        .map(rows -> rows.rowCount() == events.size());
  }

  /** Events with {@code seq > afterSeq}, in order, at most {@code limit}. */
  public static Future<List<RunEvent>> read(SqlClient client, UUID runId, long afterSeq, int limit) {
    return client.preparedQuery("SELECT seq, type, data, created_at FROM run_events WHERE run_id = $1 AND seq > $2 "
            + "ORDER BY seq LIMIT $3")
        .execute(Tuple.of(runId, afterSeq, limit))
        .map(rows -> {
          List<RunEvent> events = new ArrayList<>(rows.size());
          for (Row row : rows) {
            Object data = row.getValue("data");
            events.add(new RunEvent(runId, row.getLong("seq"), row.getString("type"),
                data instanceof JsonObject json ? json : new JsonObject(String.valueOf(data)),
                row.getOffsetDateTime("created_at")));
          }
          return events;
        });
  }

  public static Future<Long> lastSeq(SqlClient client, UUID runId) {
    return client.preparedQuery("SELECT coalesce(max(seq), 0) AS seq FROM run_events WHERE run_id = $1")
        .execute(Tuple.of(runId))
        .map(rows -> rows.iterator().next().getLong("seq"));
  }

  private static Tuple columns(List<RunEvent> events) {
    Long[] seqs = new Long[events.size()];
    String[] types = new String[events.size()];
    String[] datas = new String[events.size()];
    OffsetDateTime[] times = new OffsetDateTime[events.size()];
    for (int i = 0; i < events.size(); i++) {
      RunEvent event = events.get(i);
      seqs[i] = event.seq();
      types[i] = event.type();
      datas[i] = event.dataJson();
      times[i] = event.createdAt();
    }
    return Tuple.of(events.get(0).runId(), seqs, types, datas, times);
  }
}
