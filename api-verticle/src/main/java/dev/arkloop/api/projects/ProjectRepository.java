package dev.arkloop.api.projects;

import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.workspace.ProjectAccess;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Projects of an account. A user sees the projects they own, shared projects without a team, and
 * shared projects of their teams; any other answers as missing. $1 and $2 are always org and user.
 */
public final class ProjectRepository {
  static final String COLUMNS =
      "p.id, p.org_id, p.team_id, p.name, p.description, p.visibility, p.owner_user_id, p.created_at";
  static final String VISIBLE = ProjectAccess.VISIBLE;

  private final Pool pool;

  public ProjectRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> create(UUID orgId, UUID ownerId, String name, String description, UUID teamId,
      String visibility) {
    return pool.preparedQuery("INSERT INTO projects AS p (id, org_id, owner_user_id, name, description, team_id, "
            + "visibility) VALUES ($3, $1, $2, $4, $5, $6, $7) RETURNING " + COLUMNS)
        .execute(Tuple.of(orgId, ownerId, Ids.newId(), name, description, teamId).addValue(visibility))
        .map(RowJson::first)
        .recover(PgErrors.onForeignKey(ProjectRepository::unknownTeam));
  }

  /** The team named is not one of the account's (or was deleted while the project was written). */
  static DomainException unknownTeam() {
    return new DomainException(DomainException.Kind.UNPROCESSABLE, "validation.error",
        "team_id is not a team of this account", new JsonObject().put("field", "team_id"));
  }

  /** The project if the user may see it, else null. */
  public Future<JsonObject> get(UUID orgId, UUID userId, UUID projectId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM projects p WHERE " + VISIBLE + " AND p.id = $3")
        .execute(Tuple.of(orgId, userId, projectId))
        .map(RowJson::first);
  }

  public Future<Boolean> visible(UUID orgId, UUID userId, UUID projectId) {
    return ProjectAccess.visible(pool, orgId, userId, projectId);
  }

  /** Newest first. */
  public Future<JsonArray> list(UUID orgId, UUID userId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM projects p WHERE " + VISIBLE
            + " ORDER BY p.created_at DESC, p.id DESC")
        .execute(Tuple.of(orgId, userId))
        .map(RowJson::toArray);
  }

  /** Applies the patch to a visible project; null when there is none. */
  public Future<JsonObject> update(UUID orgId, UUID userId, UUID projectId, ProjectPatch patch) {
    return pool.preparedQuery("UPDATE projects p SET "
            + "name = CASE WHEN $4 THEN $5 ELSE p.name END, "
            + "description = CASE WHEN $6 THEN $7 ELSE p.description END, "
            + "visibility = CASE WHEN $8 THEN $9 ELSE p.visibility END, "
            + "team_id = CASE WHEN $10 THEN $11::uuid ELSE p.team_id END, "
            + "updated_at = now() WHERE " + VISIBLE + " AND p.id = $3 RETURNING " + COLUMNS)
        .execute(Tuple.of(orgId, userId, projectId, patch.setName(), patch.name(), patch.setDescription())
            .addValue(patch.description()).addValue(patch.setVisibility()).addValue(patch.visibility())
            .addValue(patch.setTeam()).addValue(patch.teamId()))
        .map(RowJson::first)
        .recover(PgErrors.onForeignKey(ProjectRepository::unknownTeam));
  }

  /** Deletes a visible project; its threads stay, detached. False when there was none. */
  public Future<Boolean> delete(UUID orgId, UUID userId, UUID projectId) {
    return pool.preparedQuery("DELETE FROM projects p WHERE " + VISIBLE + " AND p.id = $3")
        .execute(Tuple.of(orgId, userId, projectId))
        .map(rows -> rows.rowCount() > 0);
  }

  /** True when the team belongs to the account. */
  public Future<Boolean> teamInOrg(UUID orgId, UUID teamId) {
    return pool.preparedQuery("SELECT 1 FROM teams WHERE id = $1 AND org_id = $2")
        .execute(Tuple.of(teamId, orgId))
        .map(rows -> rows.size() > 0);
  }
}
