package dev.arkloop.api.auth;

import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.identity.AccountRepository;
import dev.arkloop.api.identity.RefreshTokenRepository;
import dev.arkloop.api.identity.Registration;
import dev.arkloop.api.identity.UserRepository;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.PasswordHasher;
import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;

/** Sign-up, sign-in, token refresh and sign-out under {@code /v1/auth}. */
public final class AuthRoutes {
  private static final int LOCKOUT_WINDOW_SECONDS = 15 * 60;

  private final Vertx vertx;
  private final ArkloopConfig config;
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

  public AuthRoutes(Vertx vertx, ArkloopConfig config, UserRepository users, AccountRepository accounts,
      RefreshTokenRepository refreshTokens, Registration registration, Sessions sessions,
      TokenRevocations revocations, RateLimiter rateLimiter, Turnstile turnstile, AuditTrail audit,
      AccountFlags flags) {
    this.flags = flags;
    this.vertx = vertx;
    this.config = config;
    this.users = users;
    this.accounts = accounts;
    this.refreshTokens = refreshTokens;
    this.registration = registration;
    this.sessions = sessions;
    this.revocations = revocations;
    this.rateLimiter = rateLimiter;
    this.turnstile = turnstile;
    this.audit = audit;
  }

  public void mount(Router router, Routes routes) {
    router.route("/v1/auth/*").handler(this::limitByIp);
    router.route("/v1/auth/*").handler(AuthRoutes::refuseApiKeys);
    routes.get("/v1/auth/captcha-config").publicAccess().respond(ctx -> Future.succeededFuture(turnstile.publicConfig()));
    routes.get("/v1/auth/registration-mode").publicAccess().respond(ctx -> flags.registrationOpen().map(open ->
        new JsonObject().put("mode", open ? config.auth().registrationMode() : "disabled")));
    routes.post("/v1/auth/check").publicAccess().respond(this::check);
    routes.post("/v1/auth/register").publicAccess().status(201).respond(this::register);
    routes.post("/v1/auth/login").publicAccess().respond(this::login);
    routes.post("/v1/auth/refresh").publicAccess().respond(this::refresh);
    routes.post("/v1/auth/logout").sessionOnly().respond(this::logout);
  }

  /** The session endpoints are a user's own: an API key may not log its owner out, refresh, or mail. */
  private static void refuseApiKeys(RoutingContext ctx) {
    String header = ctx.request().getHeader("Authorization");
    String credential = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
        ? header.substring(7).trim() : "";
    if (credential.startsWith("al_") || credential.startsWith("ak-")) {
      ctx.fail(Routes.apiKeyNotAllowed());
      return;
    }
    ctx.next();
  }

  private void limitByIp(RoutingContext ctx) {
    rateLimiter.hit("auth", ClientIp.of(ctx),
            config.auth().authRequestsPerMinute(), 60)
        .onSuccess(ok -> ctx.next())
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> check(RoutingContext ctx) {
    String login = Fields.length("login", RequestBody.of(ctx).string("login"), 1, 254);
    return users.loginOrEmailExists(login).map(exists -> new JsonObject().put("exists", exists));
  }

  private Future<JsonObject> register(RoutingContext ctx) {
    String mode = config.auth().registrationMode();
    if ("disabled".equals(mode)) {
      throw new ApiException(403, "auth.forbidden", "registration is disabled",
          new JsonObject().put("reason", "registration_disabled"));
    }
    RequestBody body = RequestBody.of(ctx);
    String login = Fields.login("login", Fields.length("login", body.string("login"), 2, 64));
    String password = body.string("password");
    String email = Fields.email("email", body.string("email"));
    String locale = Fields.length("locale", body.optionalString("locale"), 2, 35);
    String inviteCode = body.optionalString("invite_code");
    String captcha = body.optionalString("cf_turnstile_token");
    checkPassword(password);
    return flags.registrationOpen()
        .compose(open -> open ? Future.succeededFuture() : Future.failedFuture(new ApiException(403,
            "auth.forbidden", "registration is disabled", new JsonObject().put("reason", "registration_disabled"))))
        .compose(v -> turnstile.verify(captcha, ClientIp.of(ctx)))
        .compose(ok -> vertx.executeBlocking(() -> hasher.hash(password), false))
        .compose(hash -> registration.register(login, email, hash, locale,
            inviteCode == null || inviteCode.isBlank() ? null : inviteCode, "invite_only".equals(mode)))
        .compose(user -> {
          audit.event(ctx, user.orgId(), user.userId(), "user.register", new JsonObject().put("login", login));
          return sessions.start(ctx, user.userId(), user.orgId(), Permissions.ROLE_ADMIN, user.platformAdmin())
              .map(tokens -> tokens.put("user_id", user.userId().toString()));
        });
  }

  private void checkPassword(String password) {
    int min = config.auth().passwordMinLength();
    if (password.length() < min || password.length() > 256) {
      throw new ApiException(422, "validation.error", "password must be " + min + " to 256 characters",
          new JsonObject().put("field", "password").put("reason", "weak_password"));
    }
  }

  private Future<JsonObject> login(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String login = Fields.length("login", body.string("login"), 1, 254);
    String password = Fields.length("password", body.string("password"), 1, 1024);
    int maxFailures = config.auth().loginFailuresBeforeLockout();
    return turnstile.verify(body.optionalString("cf_turnstile_token"), ClientIp.of(ctx))
        .compose(ok -> users.credentials(login))
        .compose(user -> {
          // one budget per user, whichever of its names was typed; the typed text for unknown logins
          String lockoutKey = user == null ? "login:" + login.toLowerCase(Locale.ROOT) : "user:" + user.id();
          return rateLimiter.count("login", lockoutKey, LOCKOUT_WINDOW_SECONDS)
              .compose(failures -> failures >= maxFailures
                  ? Future.failedFuture(RateLimiter.tooMany("login", LOCKOUT_WINDOW_SECONDS))
                  : verifyPassword(ctx, login, password, user, lockoutKey));
        });
  }

  private Future<JsonObject> verifyPassword(RoutingContext ctx, String login, String password,
      UserRepository.Credentials user, String lockoutKey) {
    return vertx.executeBlocking(() -> hasher.verify(password,
            user == null || user.passwordHash() == null ? PasswordHasher.DECOY_HASH : user.passwordHash()), false)
        .compose(valid -> {
          if (user == null || !valid) {
            // filed under the user's own account, where its admin can see attempts on it
            audit.event(ctx, user == null ? null : user.defaultOrgId(), user == null ? null : user.id(),
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
                audit.event(ctx, user.defaultOrgId(), user.id(), "user.login", new JsonObject());
                return users.recordLogin(user.id()).compose(v ->
                    sessions.start(ctx, user.id(), user.defaultOrgId(), role, user.platformAdmin()));
              });
        });
  }

  private Future<JsonObject> refresh(RoutingContext ctx) {
    String presented = Sessions.presentedRefreshToken(ctx);
    if (presented == null) {
      throw ApiException.unauthorized("missing_token", "no refresh token cookie");
    }
    String hash = Tokens.sha256Hex(presented);
    return refreshTokens.consume(hash).compose(consumed -> {
      if (consumed == null) {
        return refreshTokens.revokeFamilyIfReused(hash)
            .compose(reused -> reused == null ? Future.<Void>succeededFuture() : theftDetected(ctx, reused))
            .compose(v -> Future.failedFuture(
                ApiException.unauthorized("invalid_token", "refresh token is not valid")));
      }
      return users.credentials(consumed.userId()).compose(user -> {
        if (user == null) {
          sessions.clearCookie(ctx);
          return Future.failedFuture(ApiException.unauthorized("user_not_found", "user no longer exists"));
        }
        if (!"active".equals(user.status())) {
          sessions.clearCookie(ctx);
          return Future.failedFuture(ApiException.forbidden("user_suspended", "user is suspended"));
        }
        return accounts.roleOf(user.id(), user.defaultOrgId()).compose(role -> sessions.continueFamily(ctx,
            user.id(), consumed.familyId(), user.defaultOrgId(), role, user.platformAdmin()));
      });
    });
  }

  /**
   * A consumed refresh token came back: someone holds a copy. Its family is already revoked; the
   * access tokens it may have minted die too, and the account's audit log says so.
   */
  private Future<Void> theftDetected(RoutingContext ctx, RefreshTokenRepository.Consumed reused) {
    return revocations.revokeAllOf(reused.userId())
        .compose(v -> users.credentials(reused.userId()))
        .map(user -> {
          audit.event(ctx, user == null ? null : user.defaultOrgId(), reused.userId(), "auth.refresh_reuse",
              new JsonObject().put("family_id", reused.familyId().toString()));
          return null;
        });
  }

  private Future<JsonObject> logout(RoutingContext ctx) {
    Principal principal = Authenticator.principal(ctx);
    Future<Void> denyThisToken = principal.tokenId() == null ? Future.succeededFuture()
        : revocations.deny(principal.tokenId(), principal.tokenExpiresAtEpochSeconds());
    return Future.all(refreshTokens.revokeAllOf(principal.userId()), users.invalidateTokens(principal.userId()),
            revocations.revokeAllOf(principal.userId()), denyThisToken)
        .map(done -> {
          sessions.clearCookie(ctx);
          audit.event(ctx, principal.orgId(), principal.userId(), "user.logout", new JsonObject());
          return new JsonObject().put("ok", true);
        });
  }
}
