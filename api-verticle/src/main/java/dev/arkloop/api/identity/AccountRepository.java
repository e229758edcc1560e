package dev.arkloop.api.identity;

import dev.arkloop.api.http.Permissions;
import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Accounts (orgs) and memberships. */
public final class AccountRepository {
  private static final String ACCOUNT_COLUMNS = "o.id, o.slug, o.name, o.type, o.created_at";
  private final Pool pool;

  public AccountRepository(Pool pool) {
    this.pool = pool;
  }

  /** The user's role in the account, or null when not a member. */
  public Future<String> roleOf(UUID userId, UUID orgId) {
    return pool.preparedQuery("SELECT role FROM memberships WHERE user_id = $1 AND org_id = $2")
        .execute(Tuple.of(userId, orgId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("role"));
  }

  public Future<JsonArray> accountsOf(UUID userId) {
    return pool.preparedQuery("SELECT " + ACCOUNT_COLUMNS + ", m.role FROM orgs o "
            + "JOIN memberships m ON m.org_id = o.id WHERE m.user_id = $1 ORDER BY o.created_at")
        .execute(Tuple.of(userId))
        .map(RowJson::toArray);
  }

  public Future<JsonObject> account(UUID orgId) {
    return pool.preparedQuery("SELECT " + ACCOUNT_COLUMNS + " FROM orgs o WHERE o.id = $1")
        .execute(Tuple.of(orgId))
        .map(RowJson::first);
  }

  /** Creates a workspace account, its creator its admin, with the initial credit grant. */
  public Future<JsonObject> createWorkspace(String slug, String name, UUID creatorId, long initialCredits) {
    UUID orgId = Ids.newId();
    return pool.withTransaction(tx -> create(tx, orgId, slug, name, "workspace", creatorId, Permissions.ROLE_ADMIN)
            .compose(account -> initialCredits <= 0 ? Future.succeededFuture(account)
                : CreditLedger.record(tx, orgId, initialCredits, "initial_grant", "account", null, null, creatorId)
                    .map(account)))
        .recover(PgErrors.onUnique(() -> DomainException.fieldConflict("accounts", "slug", "slug is already taken")));
  }

  /** Creates an account with its first member, in the caller's transaction. */
  public static Future<JsonObject> create(SqlClient tx, UUID id, String slug, String name, String type, UUID ownerId,
      String ownerRole) {
    return tx.preparedQuery("INSERT INTO orgs (id, slug, name, type, owner_user_id) VALUES ($1, $2, $3, $4, $5) "
            + "RETURNING id, slug, name, type, created_at")
        .execute(Tuple.of(id, slug, name, type, ownerId))
        .compose(rows -> addMember(tx, id, ownerId, ownerRole).map(v -> RowJson.first(rows)));
  }

  public static Future<Void> addMember(SqlClient tx, UUID orgId, UUID userId, String role) {
    return tx.preparedQuery("INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3)")
        .execute(Tuple.of(orgId, userId, role))
        .mapEmpty();
  }

  public static Future<Boolean> slugTaken(SqlClient client, String slug) {
    return client.preparedQuery("SELECT 1 FROM orgs WHERE slug = $1").execute(Tuple.of(slug))
        .map(rows -> rows.size() > 0);
  }
}
