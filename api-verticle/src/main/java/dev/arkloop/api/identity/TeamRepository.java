package dev.arkloop.api.identity;

import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Teams of an account and their members. */
public final class TeamRepository {
  private static final String TEAM = """
      SELECT t.id, t.org_id, t.org_id AS account_id, t.name,
             (SELECT count(*) FROM team_members m WHERE m.team_id = t.id)::int AS members_count, t.created_at
      FROM teams t""";
  private final Pool pool;

  public TeamRepository(Pool pool) {
    this.pool = pool;
  }

  public Future<JsonObject> create(UUID orgId, String name) {
    UUID id = Ids.newId();
    return pool.preparedQuery("INSERT INTO teams (id, org_id, name) VALUES ($1, $2, $3)")
        .execute(Tuple.of(id, orgId, name))
        .compose(v -> get(orgId, id));
  }

  public Future<JsonObject> get(UUID orgId, UUID teamId) {
    return pool.preparedQuery(TEAM + " WHERE t.id = $1 AND t.org_id = $2").execute(Tuple.of(teamId, orgId))
        .map(RowJson::first);
  }

  public Future<JsonArray> list(UUID orgId) {
    return pool.preparedQuery(TEAM + " WHERE t.org_id = $1 ORDER BY t.created_at").execute(Tuple.of(orgId))
        .map(RowJson::toArray);
  }

  public Future<Boolean> delete(UUID orgId, UUID teamId) {
    return pool.preparedQuery("DELETE FROM teams WHERE id = $1 AND org_id = $2").execute(Tuple.of(teamId, orgId))
        .map(rows -> rows.rowCount() > 0);
  }

  public Future<JsonArray> members(UUID teamId) {
    return pool.preparedQuery("SELECT team_id, user_id, role, created_at FROM team_members WHERE team_id = $1 "
            + "ORDER BY created_at")
        .execute(Tuple.of(teamId))
        .map(RowJson::toArray);
  }

  public Future<JsonObject> addMember(UUID teamId, UUID userId, String role) {
    return pool.preparedQuery("INSERT INTO team_members (team_id, user_id, role) VALUES ($1, $2, $3) "
            + "RETURNING team_id, user_id, role, created_at")
        .execute(Tuple.of(teamId, userId, role))
        .map(RowJson::first)
        .recover(PgErrors.onUnique(() -> DomainException.fieldConflict("team_members", "user_id",
            "user is already in this team")));
  }

  public Future<Boolean> removeMember(UUID teamId, UUID userId) {
    return pool.preparedQuery("DELETE FROM team_members WHERE team_id = $1 AND user_id = $2")
        .execute(Tuple.of(teamId, userId))
        .map(rows -> rows.rowCount() > 0);
  }

  /** The ids of the caller's teams in an account (used for team-visible resources). */
  public Future<java.util.List<UUID>> teamsOf(UUID orgId, UUID userId) {
    return pool.preparedQuery("SELECT t.id FROM teams t JOIN team_members m ON m.team_id = t.id "
            + "WHERE t.org_id = $1 AND m.user_id = $2")
        .execute(Tuple.of(orgId, userId))
        .map(rows -> {
          java.util.List<UUID> ids = new java.util.ArrayList<>();
          rows.forEach(row -> ids.add(row.getUUID("id")));
          return ids;
        });
  }
}
