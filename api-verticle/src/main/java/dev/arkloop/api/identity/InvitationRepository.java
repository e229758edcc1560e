package dev.arkloop.api.identity;

import dev.arkloop.common.db.RowJson;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.notifications.Notifications;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import java.util.function.Function;

/** Invitations into an account; the token is shown once and stored hashed. */
public final class InvitationRepository {
  private static final String COLUMNS =
      "id, org_id, invited_by_user_id, email, role, expires_at, accepted_at, created_at";
  /** The notification type an invited user with an account receives. */
  public static final String NOTIFICATION_TYPE = "account.invitation_received";
  private final Pool pool;
  private final Notifications notifications;

  public InvitationRepository(Pool pool, Notifications notifications) {
    this.pool = pool;
    this.notifications = notifications;
  }

  /**
   * Creates the invitation and, when the address belongs to an active user, notifies them in the same
   * transaction. The notification never carries the token: it goes to whoever registered the address,
   * who must still receive the invitation link to accept it.
   */
  public Future<JsonObject> create(UUID orgId, UUID invitedBy, String email, String role, String tokenHash,
      int ttlDays) {
    return pool.withTransaction(tx -> tx.preparedQuery("INSERT INTO invitations (id, org_id, invited_by_user_id, "
                + "email, role, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING " + COLUMNS)
        .execute(Tuple.of(Ids.newId(), orgId, invitedBy, email, role, tokenHash,
            OffsetDateTime.now(ZoneOffset.UTC).plusDays(ttlDays)))
        .map(RowJson::first)
        .compose(invitation -> tx.preparedQuery("""
                SELECT u.id, o.name AS account_name, i.username AS invited_by FROM users u, orgs o, users i
                WHERE lower(u.email) = lower($1) AND u.status = 'active' AND u.deleted_at IS NULL
                  AND o.id = $2 AND i.id = $3""")
            .execute(Tuple.of(email, orgId, invitedBy))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.succeededFuture(invitation);
              }
              Row invitee = rows.iterator().next();
              String account = invitee.getString("account_name");
              return notifications.send(tx, invitee.getUUID("id"), orgId, NOTIFICATION_TYPE,
                      "Invitation to " + account,
                      invitee.getString("invited_by") + " invited you to join " + account + " as " + role + ".",
                      new JsonObject().put("invitation_id", invitation.getString("id"))
                          .put("account_id", orgId.toString()).put("account_name", account).put("role", role)
                          .put("invited_by_user_id", invitedBy.toString()))
                  .map(invitation);
            })));
  }

  public Future<JsonArray> list(UUID orgId) {
    return pool.preparedQuery("SELECT " + COLUMNS + " FROM invitations WHERE org_id = $1 AND revoked_at IS NULL "
            + "ORDER BY created_at DESC")
        .execute(Tuple.of(orgId))
        .map(RowJson::toArray);
  }

  public Future<UUID> orgOf(UUID invitationId) {
    return pool.preparedQuery("SELECT org_id FROM invitations WHERE id = $1 AND revoked_at IS NULL")
        .execute(Tuple.of(invitationId))
        .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getUUID("org_id"));
  }

  public Future<Void> revoke(UUID invitationId) {
    return pool.preparedQuery("UPDATE invitations SET revoked_at = now() WHERE id = $1")
        .execute(Tuple.of(invitationId)).mapEmpty();
  }

  /**
   * Joins the user to the invitation's account; returns the account id. An invitation is for its
   * email: the user's own verified email must be that address (case aside), so a leaked or forwarded
   * link lets nobody else in. {@code memberLimit} gives the account's {@code limit.team_members}
   * (0 = unlimited), checked under a per-account lock.
   */
  public Future<UUID> accept(String tokenHash, UUID userId, Function<UUID, Future<Long>> memberLimit) {
    return pool.withTransaction(tx -> tx.preparedQuery("""
            SELECT i.id, i.org_id, i.role, i.accepted_at, i.expires_at < now() AS expired,
                   coalesce(u.email_verified AND lower(u.email) = lower(i.email), false) AS email_matches
            FROM invitations i LEFT JOIN users u ON u.id = $2
            WHERE i.token_hash = $1 AND i.revoked_at IS NULL FOR UPDATE OF i""")
        .execute(Tuple.of(tokenHash, userId))
        .compose(rows -> {
          if (rows.size() == 0 || rows.iterator().next().getBoolean("expired")) {
            return Future.failedFuture(DomainException.notFound("invitations"));
          }
          Row invitation = rows.iterator().next();
          if (invitation.getValue("accepted_at") != null) {
            return Future.failedFuture(DomainException.conflict("conflict", "invitation was already accepted"));
          }
          if (!invitation.getBoolean("email_matches")) {
            return Future.failedFuture(new DomainException(DomainException.Kind.FORBIDDEN, "auth.forbidden",
                "this invitation is for another email address, or yours is not verified yet",
                new JsonObject().put("reason", "invitation_email_mismatch")));
          }
          UUID orgId = invitation.getUUID("org_id");
          return memberLimit.apply(orgId).compose(limit -> limit <= 0 ? Future.<Void>succeededFuture()
                  : roomForMember(tx, orgId, userId, limit))
              .compose(room -> tx.preparedQuery("INSERT INTO memberships (org_id, user_id, role) VALUES ($1, $2, $3) "
                      + "ON CONFLICT (org_id, user_id) DO NOTHING")
                  .execute(Tuple.of(orgId, userId, invitation.getString("role"))))
              .compose(v -> tx.preparedQuery("UPDATE invitations SET accepted_at = now(), accepted_by = $2 WHERE id = $1")
                  .execute(Tuple.of(invitation.getUUID("id"), userId)))
              .map(orgId);
        }));
  }

  private static Future<Void> roomForMember(io.vertx.sqlclient.SqlConnection tx, UUID orgId, UUID userId, long limit) {
    return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended($1, 11))").execute(Tuple.of(orgId.toString()))
        .compose(v -> tx.preparedQuery("SELECT count(*) FILTER (WHERE user_id <> $2) AS others, "
                + "bool_or(user_id = $2) AS member FROM memberships WHERE org_id = $1")
            .execute(Tuple.of(orgId, userId)))
        .compose(rows -> {
          Row row = rows.iterator().next();
          boolean member = Boolean.TRUE.equals(row.getBoolean("member"));
          return member || row.getLong("others") < limit ? Future.succeededFuture()
              : Future.failedFuture(DomainException.forbidden("entitlement.team_members",
                  "the account has reached its limit of " + limit + " members"));
        });
  }
}
