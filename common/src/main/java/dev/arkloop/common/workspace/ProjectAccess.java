package dev.arkloop.common.workspace;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Who sees a project: its owner, and for a shared one everybody in the account (or in its team). The
 * API lists and serves projects by it, and a run may touch a project's workspace only while the
 * run's creator sees the project: checked when the run is created and again by the worker's file
 * tools, since the project may turn private or the creator leave its team while the run goes on.
 */
public final class ProjectAccess {
  /** SQL condition over {@code projects p}: in account {@code $1} and seen by user {@code $2}. */
  public static final String VISIBLE = "p.org_id = $1 AND (p.owner_user_id = $2 OR (p.visibility = 'shared' AND "
      + "(p.team_id IS NULL OR EXISTS (SELECT 1 FROM team_members m WHERE m.team_id = p.team_id AND m.user_id = $2))))";

  private ProjectAccess() {}

  /** False for a null user (a run whose creator was deleted). */
  public static Future<Boolean> visible(SqlClient client, UUID orgId, UUID userId, UUID projectId) {
    if (userId == null) {
      return Future.succeededFuture(false);
    }
    return client.preparedQuery("SELECT 1 FROM projects p WHERE " + VISIBLE + " AND p.id = $3")
        .execute(Tuple.of(orgId, userId, projectId))
        .map(rows -> rows.size() > 0);
  }
}
