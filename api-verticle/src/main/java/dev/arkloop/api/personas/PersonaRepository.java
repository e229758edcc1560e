package dev.arkloop.api.personas;

import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.personas.Persona;
import dev.arkloop.common.personas.PersonaStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Persona rows of one scope: {@code platform} (no account) or {@code org} (the caller's account). */
final class PersonaRepository {
  private static final String COLUMNS = "id, scope, org_id, persona_key, version, is_active, spec, created_at, updated_at";
  private static final String IN_SCOPE = "scope = $1 AND ($1 = 'platform' OR org_id = $2)";
  private final Pool pool;

  PersonaRepository(Pool pool) {
    this.pool = pool;
  }

  Future<List<Persona>> list(String scope, UUID orgId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM personas WHERE " + IN_SCOPE
            + " ORDER BY persona_key, created_at")
        .execute(Tuple.of(scope, orgId))
        .map(rows -> {
          List<Persona> personas = new ArrayList<>();
          rows.forEach(row -> personas.add(PersonaStore.fromRow(row)));
          return personas;
        });
  }

  Future<Persona> get(String scope, UUID orgId, UUID id) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM personas WHERE id = $3 AND " + IN_SCOPE)
        .execute(Tuple.of(scope, orgId, id))
        .map(rows -> rows.size() == 0 ? null : PersonaStore.fromRow(rows.iterator().next()));
  }

  /** Inserts; a duplicate key and version is a {@code personas.persona_key_conflict}. */
  Future<Persona> create(String scope, UUID orgId, String key, String version, boolean active, JsonObject spec) {
    return pool.preparedQuery("INSERT INTO personas (id, scope, org_id, persona_key, version, is_active, spec) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + COLUMNS)
        .execute(Tuple.of(Ids.newId(), scope, scope.equals("org") ? orgId : null, key, version, active, spec))
        .map(rows -> PersonaStore.fromRow(rows.iterator().next()))
        .recover(PgErrors.onUnique(() -> DomainException.fieldConflict("personas", "persona_key",
            "a persona " + key + "@" + version + " already exists")));
  }

  /** Replaces the spec (and the active flag); null when there is no such row in scope. */
  Future<Persona> update(String scope, UUID orgId, UUID id, boolean active, JsonObject spec) {
    return pool.preparedQuery("UPDATE personas SET spec = $4, is_active = $5, "
            + "updated_at = date_trunc('milliseconds', now()) WHERE id = $3 AND " + IN_SCOPE + " RETURNING " + COLUMNS)
        .execute(Tuple.of(scope, orgId, id, spec, active))
        .map(rows -> rows.size() == 0 ? null : PersonaStore.fromRow(rows.iterator().next()));
  }

  Future<Boolean> delete(String scope, UUID orgId, UUID id) {
    return pool.preparedQuery("DELETE FROM personas WHERE id = $3 AND " + IN_SCOPE)
        .execute(Tuple.of(scope, orgId, id))
        .map(rows -> rows.rowCount() > 0);
  }
}
