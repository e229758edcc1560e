package dev.arkloop.api.auth;

import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.audit.AuditTrail.Origin;
import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.identity.AccountFlags;
import dev.arkloop.api.identity.AccountRepository;
import dev.arkloop.api.identity.RefreshTokenRepository;
import dev.arkloop.api.identity.Registration;
import dev.arkloop.api.identity.UserRepository;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.PasswordHasher;
import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.error.DomainException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.UUID;

/**
 * Sign-up, sign-in, token refresh and sign-out: the checks, the database work and the audit entries,
 * with no HTTP in them. Each success is a freshly issued token pair for the routes to hand out.
 */
public final class LoginService {
  private static final int LOCKOUT_WINDOW_SECONDS = 15 * 60;

  /** A sign-up's input, already parsed. {@code inviteCode} is null when none was given. */
  public record SignUp(String login, String password, String email, String locale, String inviteCode, String captcha) {}

  /** A new user, signed in. */
  public record Registered(UUID userId, Sessions.Issued tokens) {}

  private final Vertx vertx;
  private final ArkloopConfig.Auth settings;
  private final UserRepository users;
  private final AccountRepository accounts;
  private final RefreshTokenRepository refreshTokens;
  private final Registration registration;
  private final Sessions sessions;
  private final TokenRevocations revocations;
  private final RateLimiter rateLimiter;
  private final Turnstile turnstile;
  private final AuditTrail audit;
  private final AccountFlags flags;
  private final PasswordHasher hasher = new PasswordHasher();

  public LoginService(Vertx vertx, ArkloopConfig.Auth settings, UserRepository users, AccountRepository accounts,
      RefreshTokenRepository refreshTokens, Registration registration, Sessions sessions,
      TokenRevocations revocations, RateLimiter rateLimiter, Turnstile turnstile, AuditTrail audit,
      AccountFlags flags) {
    this.vertx = vertx;
    this.settings = settings;
    this.users = users;
    this.accounts = accounts;
    this.refreshTokens = refreshTokens;
    this.registration = registration;
    this.sessions = sessions;
    this.revocations = revocations;
    this.rateLimiter = rateLimiter;
    this.turnstile = turnstile;
    this.audit = audit;
    this.flags = flags;
  }

  /** The registration mode in force: the configured one, or {@code disabled} while the flag closes sign-up. */
  public Future<String> registrationMode() {
    return flags.registrationOpen().map(open -> open ? settings.registrationMode() : "disabled");
  }

  /** Fails at once when sign-up is disabled by configuration, before a request is even read. */
  public void requireRegistrationConfigured() {
    if ("disabled".equals(settings.registrationMode())) {
      throw registrationDisabled();
    }
  }

  public Future<Registered> register(SignUp signUp, Origin origin) {
    requireRegistrationConfigured();
    String mode = settings.registrationMode();
    int min = settings.passwordMinLength();
    if (signUp.password().length() < min || signUp.password().length() > 256) {
      return Future.failedFuture(new DomainException(DomainException.Kind.UNPROCESSABLE, "validation.error",
          "password must be " + min + " to 256 characters",
          new JsonObject().put("field", "password").put("reason", "weak_password")));
    }
    return flags.registrationOpen()
        .compose(open -> open ? Future.succeededFuture() : Future.failedFuture(registrationDisabled()))
        .compose(v -> turnstile.verify(signUp.captcha(), origin.ip()))
        .compose(ok -> vertx.executeBlocking(() -> hasher.hash(signUp.password()), false))
        .compose(hash -> registration.register(signUp.login(), signUp.email(), hash, signUp.locale(),
            signUp.inviteCode(), "invite_only".equals(mode)))
        .compose(user -> {
          audit.event(origin, user.orgId(), user.userId(), "user.register",
              new JsonObject().put("login", signUp.login()));
          return sessions.issue(user.userId(), user.orgId(), Permissions.ROLE_ADMIN, user.platformAdmin())
              .map(tokens -> new Registered(user.userId(), tokens));
        });
  }

  private static DomainException registrationDisabled() {
    return DomainException.forbidden("registration_disabled", "registration is disabled");
  }

  /** Password sign-in, with a lockout after repeated failures per user. */
  public Future<Sessions.Issued> login(String login, String password, String captcha, Origin origin) {
    return turnstile.verify(captcha, origin.ip())
        .compose(ok -> users.credentials(login))
        .compose(user -> {
          // one budget per user, whichever of its names was typed; the typed text for unknown logins
          String lockoutKey = user == null ? "login:" + login.toLowerCase(Locale.ROOT) : "user:" + user.id();
          return rateLimiter.count("login", lockoutKey, LOCKOUT_WINDOW_SECONDS)
              .compose(failures -> failures >= settings.loginFailuresBeforeLockout()
                  ? Future.failedFuture(RateLimiter.tooMany("login", LOCKOUT_WINDOW_SECONDS))
                  : verifyPassword(login, password, user, lockoutKey, origin));
        });
  }

  private Future<Sessions.Issued> verifyPassword(String login, String password, UserRepository.Credentials user,
      String lockoutKey, Origin origin) {
    return vertx.executeBlocking(() -> hasher.verify(password,
            user == null || user.passwordHash() == null ? PasswordHasher.DECOY_HASH : user.passwordHash()), false)
        .compose(valid -> {
          if (user == null || !valid) {
            // filed under the user's own account, where its admin can see attempts on it
            audit.event(origin, user == null ? null : user.defaultOrgId(), user == null ? null : user.id(),
                "user.login_failed", new JsonObject().put("login", login));
            return rateLimiter.hit("login", lockoutKey, Integer.MAX_VALUE, LOCKOUT_WINDOW_SECONDS)
                .compose(v -> Future.failedFuture(
                    ApiException.unauthorized("invalid_credentials", "login or password is wrong")));
          }
          if (!"active".equals(user.status())) {
            return Future.failedFuture(ApiException.forbidden("user_suspended", "user is suspended"));
          }
          return flags.requireVerifiedEmail(user.id(), user.defaultOrgId())
              .compose(v -> accounts.roleOf(user.id(), user.defaultOrgId()))
              .compose(role -> {
                audit.event(origin, user.defaultOrgId(), user.id(), "user.login", new JsonObject());
                return users.recordLogin(user.id()).compose(v ->
                    sessions.issue(user.id(), user.defaultOrgId(), role, user.platformAdmin()));
              });
        });
  }

  /**
   * Rotates a refresh token: the presented one is consumed and the next of its family issued. A token
   * presented twice revokes its whole family.
   */
  public Future<Sessions.Issued> refresh(String presented, Origin origin) {
    String hash = Tokens.sha256Hex(presented);
    return refreshTokens.consume(hash).compose(consumed -> {
      if (consumed == null) {
        return refreshTokens.revokeFamilyIfReused(hash)
            .compose(reused -> reused == null ? Future.<Void>succeededFuture() : theftDetected(reused, origin))
            .compose(v -> Future.failedFuture(
                ApiException.unauthorized("invalid_token", "refresh token is not valid")));
      }
      return users.credentials(consumed.userId()).compose(user -> {
        if (user == null) {
          return Future.failedFuture(ApiException.unauthorized("user_not_found", "user no longer exists"));
        }
        if (!"active".equals(user.status())) {
          return Future.failedFuture(ApiException.forbidden("user_suspended", "user is suspended"));
        }
        return accounts.roleOf(user.id(), user.defaultOrgId()).compose(role -> sessions.issue(user.id(),
            consumed.familyId(), user.defaultOrgId(), role, user.platformAdmin()));
      });
    });
  }

  /**
   * A consumed refresh token came back: someone holds a copy. Its family is already revoked; the
   * access tokens it may have minted die too, and the account's audit log says so.
   */
  private Future<Void> theftDetected(RefreshTokenRepository.Consumed reused, Origin origin) {
    return revocations.revokeAllOf(reused.userId())
        .compose(v -> users.credentials(reused.userId()))
        .map(user -> {
          audit.event(origin, user == null ? null : user.defaultOrgId(), reused.userId(), "auth.refresh_reuse",
              new JsonObject().put("family_id", reused.familyId().toString()));
          return null;
        });
  }

  /** Ends every session of the caller's user, including the access token presented. */
  public Future<Void> logout(Principal principal, Origin origin) {
    Future<Void> denyThisToken = principal.tokenId() == null ? Future.succeededFuture()
        : revocations.deny(principal.tokenId(), principal.tokenExpiresAtEpochSeconds());
    return Future.all(refreshTokens.revokeAllOf(principal.userId()), users.invalidateTokens(principal.userId()),
            revocations.revokeAllOf(principal.userId()), denyThisToken)
        .map(done -> {
          audit.event(origin, principal.orgId(), principal.userId(), "user.logout", new JsonObject());
          return null;
        });
  }
}
