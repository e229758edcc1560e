package dev.arkloop.common.personas;

import dev.arkloop.common.cache.ExpiringCache;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.json.JsonLimits;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Resolves personas across their layers, by {@code persona_key}: built-in files < {@code platform}
 * rows < the account's {@code org} rows. Only active rows take part; an inactive row lets the layer
 * below show through.
 */
public final class PersonaStore {
  static final String COLUMNS = "id, scope, org_id, persona_key, version, is_active, spec, created_at, updated_at";
  private final Pool pool;
  private final Future<BuiltinPersonas> builtins;
  /** Resolved personas by account and name, when this store remembers them (null: it does not). */
  private final ExpiringCache<String, Persona> resolved;

  public PersonaStore(Pool pool, Future<BuiltinPersonas> builtins) {
    this(pool, builtins, null);
  }

  private PersonaStore(Pool pool, Future<BuiltinPersonas> builtins, ExpiringCache<String, Persona> resolved) {
    this.pool = pool;
    this.builtins = builtins;
    this.resolved = resolved;
  }

  /** A store that keeps what it resolves for {@code ttlMillis}, or until {@link #forget}. */
  public static PersonaStore remembering(Pool pool, Future<BuiltinPersonas> builtins, long ttlMillis) {
    return new PersonaStore(pool, builtins, new ExpiringCache<>(ttlMillis, 10_000));
  }

  /** Drops every remembered persona: one was created, changed or deleted. */
  public void forget() {
    if (resolved != null) {
      resolved.clear();
    }
  }

  /** The built-in personas, once read. */
  public Future<BuiltinPersonas> builtins() {
    return builtins;
  }

  /**
   * The persona a run names: {@code key@version} or a bare {@code key} (the most recently changed
   * version of the highest layer). Null when no layer has it.
   */
  public Future<Persona> resolve(UUID orgId, String personaId) {
    return resolved == null ? lookUp(orgId, personaId)
        : resolved.get(orgId + "/" + personaId, () -> lookUp(orgId, personaId));
  }

  private Future<Persona> lookUp(UUID orgId, String personaId) {
    int at = personaId.lastIndexOf('@');
    String key = at < 0 ? personaId : personaId.substring(0, at);
    String version = at < 0 ? null : personaId.substring(at + 1);
    return builtins.compose(files -> pool.preparedQuery("SELECT " + COLUMNS + " FROM personas WHERE persona_key = $1 "
            + "AND is_active AND ($2::text IS NULL OR version = $2) AND (scope = 'platform' OR org_id = $3) "
            + "ORDER BY (scope = 'org') DESC, updated_at DESC LIMIT 1")
        .execute(Tuple.of(key, version, orgId))
        .map(rows -> rows.size() > 0 ? fromRow(rows.iterator().next()) : files.find(key, version)));
  }

  /**
   * The effective personas a member of the account may pick: layers merged by key (the higher layer
   * wins), active and user-selectable only, sorted by {@code selector_order} (missing = 99), then
   * selector name or display name, then key.
   */
  public Future<List<Persona>> selectable(UUID orgId) {
    return builtins.compose(files -> pool.preparedQuery("SELECT " + COLUMNS + " FROM personas WHERE is_active "
            + "AND (scope = 'platform' OR org_id = $1) ORDER BY (scope = 'org'), updated_at")
        .execute(Tuple.of(orgId))
        .map(rows -> {
          Map<String, Persona> byKey = new LinkedHashMap<>();
          files.all().forEach(p -> byKey.put(p.key(), p));
          rows.forEach(row -> {
            Persona persona = fromRow(row);
            byKey.put(persona.key(), persona);
          });
          List<Persona> list = new ArrayList<>();
          byKey.values().stream().filter(p -> p.active() && p.userSelectable()).forEach(list::add);
          list.sort(Comparator.comparingInt(PersonaStore::order).thenComparing(PersonaStore::label)
              .thenComparing(Persona::key));
          return list;
        }));
  }

  private static int order(Persona persona) {
    Object order = persona.toJson().getValue("selector_order");
    return order instanceof Number number ? number.intValue() : 99;
  }

  private static String label(Persona persona) {
    JsonObject json = persona.toJson();
    String name = json.getString("selector_name");
    return name != null ? name : json.getString("display_name", "");
  }

  /** A persona row as the API shows it. */
  public static Persona fromRow(Row row) {
    Object raw = row.getValue("spec");
    JsonObject spec = raw instanceof JsonObject json ? json.copy() : new JsonObject(String.valueOf(raw));
    for (String field : java.util.List.copyOf(spec.fieldNames())) {
      spec.put(field, JsonLimits.readable(spec.getValue(field), "personas.spec." + field));
    }
    spec.put("id", row.getUUID("id").toString())
        .put("scope", row.getString("scope"))
        .put("org_id", row.getUUID("org_id") == null ? null : row.getUUID("org_id").toString())
        .put("persona_key", row.getString("persona_key"))
        .put("version", row.getString("version"))
        .put("is_active", row.getBoolean("is_active"))
        .put("source", "custom")
        .put("created_at", RowJson.timestamp(row.getOffsetDateTime("created_at")))
        .put("updated_at", RowJson.timestamp(row.getOffsetDateTime("updated_at")));
    return Persona.of(spec);
  }
}
