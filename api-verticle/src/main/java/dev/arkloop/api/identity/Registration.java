package dev.arkloop.api.identity;

import dev.arkloop.api.http.Permissions;
import dev.arkloop.common.billing.CreditLedger;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.db.PgErrors;
import dev.arkloop.common.error.DomainException;
import dev.arkloop.common.ids.Ids;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.Locale;
import java.util.UUID;

/**
 * Creates a user with a personal account in one transaction. The first user (or the one named by
 * {@code ARKLOOP_BOOTSTRAP_PLATFORM_ADMIN}) becomes platform admin; an advisory lock serialises
 * that decision between concurrent registrations.
 */
public final class Registration {
  private static final long BOOTSTRAP_LOCK = 0x41524b4c4f4f50L;

  /** The new user and their personal account. */
  public record Registered(UUID userId, UUID orgId, boolean platformAdmin) {}

  private final Pool pool;
  private final String bootstrapAdmin;
  private final ArkloopConfig.Billing credits;

  public Registration(Pool pool, String bootstrapAdmin, ArkloopConfig.Billing credits) {
    this.pool = pool;
    this.bootstrapAdmin = bootstrapAdmin;
    this.credits = credits;
  }

  /**
   * {@code inviteRequired} (mode {@code invite_only}) asks for an invite code from everyone but the
   * very first user, who has nobody to get one from.
   */
  public Future<Registered> register(String login, String email, String passwordHash, String locale,
      String inviteCode, boolean inviteRequired) {
    UUID userId = Ids.newId();
    UUID orgId = Ids.newId();
    return pool.withTransaction(tx -> tx.preparedQuery("SELECT pg_advisory_xact_lock($1)")
            .execute(Tuple.of(BOOTSTRAP_LOCK))
            .compose(locked -> inviteRequired && inviteCode == null ? requireFirstUser(tx) : Future.succeededFuture())
            .compose(ok -> platformAdmin(tx, login))
            .compose(admin -> UserRepository.insert(tx, userId, login, email, passwordHash, locale, admin)
                .compose(v -> personalSlug(tx, login))
                .compose(slug -> AccountRepository.create(tx, orgId, slug, login, "personal", userId,
                    Permissions.ROLE_ADMIN))
                .compose(v -> tx.preparedQuery("UPDATE users SET default_org_id = $2 WHERE id = $1")
                    .execute(Tuple.of(userId, orgId)))
                .compose(v -> grant(tx, orgId, credits.initialGrant(), "initial_grant", "signup", null))
                .compose(v -> inviteCode == null ? Future.succeededFuture() : redeemInvite(tx, inviteCode, userId, orgId))
                .map(v -> new Registered(userId, orgId, admin))))
        .recover(PgErrors.onUnique(() -> new DomainException(DomainException.Kind.CONFLICT, "auth.login_exists",
            "login is already taken", new JsonObject().put("field", "login")), "users_login_key"))
        .recover(PgErrors.onUnique(() -> DomainException.fieldConflict("users", "email", "email is already registered"),
            "users_email_key"));
  }

  private static Future<Void> requireFirstUser(SqlConnection tx) {
    return tx.query("SELECT 1 FROM users LIMIT 1").execute().compose(rows -> rows.size() == 0
        ? Future.succeededFuture()
        : Future.failedFuture(new DomainException(DomainException.Kind.UNPROCESSABLE, "auth.invite_code_required", "an invite code is required",
            new JsonObject().put("field", "invite_code"))));
  }

  private Future<Boolean> platformAdmin(SqlConnection tx, String login) {
    if (bootstrapAdmin != null && Ids.parseUuid(bootstrapAdmin) == null) {
      return Future.succeededFuture(bootstrapAdmin.equalsIgnoreCase(login));
    }
    if (bootstrapAdmin != null) {
      return Future.succeededFuture(false);
    }
    return tx.query("SELECT 1 FROM users WHERE is_platform_admin").execute().map(rows -> rows.size() == 0);
  }

  private static Future<String> personalSlug(SqlConnection tx, String login) {
    String base = login.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
    return AccountRepository.slugTaken(tx, base)
        .map(taken -> taken ? base + "-" + Ids.randomHex(3) : base);
  }

  private static Future<Void> grant(SqlConnection tx, UUID orgId, long amount, String type, String referenceType,
      String referenceId) {
    return amount <= 0 ? Future.succeededFuture()
        : CreditLedger.record(tx, orgId, amount, type, referenceType, referenceId, null, null).mapEmpty();
  }

  /** The invite is used, the referral recorded, and both sides rewarded once (unique per referral). */
  private Future<Void> redeemInvite(SqlConnection tx, String code, UUID inviteeId, UUID inviteeOrgId) {
    return tx.preparedQuery("""
            UPDATE invite_codes SET use_count = use_count + 1
            WHERE code = $1 AND is_active AND use_count < max_uses RETURNING id, user_id""")
        .execute(Tuple.of(code.trim().toUpperCase(Locale.ROOT)))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(new DomainException(DomainException.Kind.UNPROCESSABLE, "auth.invite_code_invalid", "invite code is not valid",
                new JsonObject().put("field", "invite_code")));
          }
          var row = rows.iterator().next();
          UUID referralId = Ids.newId();
          return tx.preparedQuery("INSERT INTO referrals (id, inviter_user_id, invitee_user_id, invite_code_id, credited) "
                  + "VALUES ($1, $2, $3, $4, true) RETURNING (SELECT default_org_id FROM users WHERE id = $2) AS inviter_org")
              .execute(Tuple.of(referralId, row.getUUID("user_id"), inviteeId, row.getUUID("id")))
              .compose(inserted -> {
                UUID inviterOrg = inserted.iterator().next().getUUID("inviter_org");
                return (inviterOrg == null ? Future.<Void>succeededFuture()
                    : grant(tx, inviterOrg, credits.inviteReward(), "invite_reward", "referral", referralId.toString()))
                    .compose(v -> grant(tx, inviteeOrgId, credits.inviteeReward(), "invitee_reward", "referral",
                        referralId.toString()));
              });
        });
  }

  /** Makes the configured user id a platform admin (the login form is applied at registration). */
  public Future<Void> applyBootstrapAdmin() {
    UUID id = bootstrapAdmin == null ? null : Ids.parseUuid(bootstrapAdmin);
    if (id == null) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery("UPDATE users SET is_platform_admin = true WHERE id = $1 AND NOT is_platform_admin")
        .execute(Tuple.of(id)).mapEmpty();
  }
}
