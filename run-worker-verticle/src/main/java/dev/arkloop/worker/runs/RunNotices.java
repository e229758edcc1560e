package dev.arkloop.worker.runs;

import dev.arkloop.common.notifications.Notifications;
import dev.arkloop.common.runs.RunStatus;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;

/** Notifications a run's end sends its creator, written in the run's terminal transaction. */
final class RunNotices {
  /** The run went on without a tool call because its approval was not given in time. */
  static final String INPUT_TIMED_OUT = "run.input_timed_out";
  private final Notifications notifications;

  RunNotices(Notifications notifications) {
    this.notifications = notifications;
  }

  Future<Void> ended(SqlConnection tx, RunStore.RunRow run, LoopState state, RunStatus ended) {
    String status = ended.wire();
    if (state == null || state.timedOutApprovals.isEmpty() || run.createdBy() == null) {
      return Future.succeededFuture();
    }
    String tools = String.join(", ", state.timedOutApprovals.stream().map(String::valueOf).distinct().toList());
    return notifications.send(tx, run.createdBy(), run.orgId(), INPUT_TIMED_OUT, "A run went on without your approval",
            "The run " + status + " after it waited too long for your approval of " + tools
                + "; the call was denied.",
            new JsonObject().put("run_id", run.id().toString()).put("thread_id", run.threadId().toString())
                .put("status", status).put("tools", state.timedOutApprovals.copy()))
        .mapEmpty();
  }
}
