package dev.arkloop.api.email;

import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.http.ClientIp;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.auth.RateLimiter;
import dev.arkloop.api.auth.Sessions;
import dev.arkloop.api.auth.Turnstile;
import dev.arkloop.api.email.EmailTokenRepository.OtpCheck;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.identity.AccountRepository;
import dev.arkloop.api.identity.UserRepository;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.mail.EmailMessage;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.Locale;
import java.util.UUID;

/**
 * Email verification and sign-in by emailed code (OTP) under {@code /v1/auth/email}. Codes and
 * tokens are stored hashed, expire, and are single use; a code dies after a few wrong guesses.
 * Asking for a code answers 204 whether or not the address belongs to an account.
 */
public final class EmailAuthRoutes {
  static final Duration VERIFY_TTL = Duration.ofHours(24);
  static final Duration OTP_TTL = Duration.ofMinutes(10);
  static final int OTP_DIGITS = 6;
  /** Wrong guesses one code survives. */
  static final int OTP_MAX_ATTEMPTS = 5;
  /** One code (or verification mail) per address per this many seconds. */
  static final int SEND_INTERVAL_SECONDS = 60;
  /** Guesses per address per window, over all its codes: bounds guessing across re-sent codes. */
  static final int VERIFY_GUESSES_PER_WINDOW = 10;
  static final int VERIFY_GUESS_WINDOW_SECONDS = 15 * 60;

  private final ArkloopConfig config;
  private final UserRepository users;
  private final AccountRepository accounts;
  private final EmailTokenRepository tokens;
  private final EmailOutbox outbox;
  private final Sessions sessions;
  private final RateLimiter rateLimiter;
  private final Turnstile turnstile;
  private final AuditTrail audit;

  public EmailAuthRoutes(ArkloopConfig config, UserRepository users, AccountRepository accounts,
      EmailTokenRepository tokens, EmailOutbox outbox, Sessions sessions, RateLimiter rateLimiter,
      Turnstile turnstile, AuditTrail audit) {
    this.config = config;
    this.users = users;
    this.accounts = accounts;
    this.tokens = tokens;
    this.outbox = outbox;
    this.sessions = sessions;
    this.rateLimiter = rateLimiter;
    this.turnstile = turnstile;
    this.audit = audit;
  }

  public void mount(Routes routes) {
    routes.post("/v1/auth/email/verify/send").sessionOnly().respond(this::sendVerification);
    routes.post("/v1/auth/email/verify/confirm").publicAccess().respond(this::confirmVerification);
    routes.post("/v1/auth/email/otp/send").publicAccess().respond(this::sendCode);
    routes.post("/v1/auth/email/otp/verify").publicAccess().respond(this::verifyCode);
  }

  private Future<Void> sendVerification(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    outbox.requireConfigured("email.not_configured");
    return users.contact(principal.userId()).compose(contact -> {
      if (contact == null) {
        return Future.failedFuture(ApiException.unauthorized("user_not_found", "user no longer exists"));
      }
      if (contact.email() == null) {
        return Future.failedFuture(new ApiException(422, "email.no_address", "your account has no email address"));
      }
      if (contact.verified()) {
        return Future.succeededFuture();
      }
      String token = Tokens.random(32);
      EmailMessage message = EmailMessages.verification(contact.email(), token, config.mail().appBaseUrl(),
          VERIFY_TTL.toHours());
      return rateLimiter.hit("email_verify", principal.userId().toString(), 1, SEND_INTERVAL_SECONDS)
          .compose(ok -> send(principal.userId(), EmailTokenRepository.VERIFY, contact.email(),
              Tokens.sha256Hex(token), VERIFY_TTL, message, contact.defaultOrgId()))
          .onSuccess(v -> audit.event(ctx, principal.orgId(), principal.userId(), "email.verification_sent",
              new JsonObject()));
    });
  }

  private Future<JsonObject> confirmVerification(RoutingContext ctx) {
    String token = Fields.length("token", RequestBody.of(ctx).string("token"), 1, 512);
    return tokens.confirmVerification(Tokens.sha256Hex(token)).compose(verified -> verified
        ? Future.succeededFuture(new JsonObject().put("ok", true))
        : Future.failedFuture(new ApiException(422, "email.token_invalid",
            "the verification token is unknown, used or expired", new JsonObject().put("field", "token"))));
  }

  private Future<Void> sendCode(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String email = Fields.email("email", Fields.length("email", body.string("email").trim(), 3, 254));
    return sendCodeTo(ctx, email, body.optionalString("cf_turnstile_token"));
  }

  /** Emails a sign-in code to {@code email} if it is an active account's; the same answer either way. */
  Future<Void> sendCodeTo(RoutingContext ctx, String email, String captcha) {
    outbox.requireConfigured("auth.otp_unavailable");
    String key = email.toLowerCase(Locale.ROOT);
    return turnstile.verify(captcha, ClientIp.of(ctx))
        .compose(ok -> rateLimiter.hit("otp", "send:" + key, 1, SEND_INTERVAL_SECONDS))
        .compose(ok -> users.byEmail(email))
        .compose(user -> {
          if (user == null || !"active".equals(user.status())) {
            return Future.succeededFuture(); // same answer as for an account: addresses do not leak
          }
          String code = Tokens.digits(OTP_DIGITS);
          return send(user.id(), EmailTokenRepository.OTP, email, otpHash(user.id(), code), OTP_TTL,
              EmailMessages.signInCode(email, code, OTP_TTL.toMinutes()), user.defaultOrgId());
        });
  }

  private Future<JsonObject> verifyCode(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String email = Fields.email("email", Fields.length("email", body.string("email").trim(), 3, 254));
    // the original web client sends the code as `code`, the seed's API as `otp`
    String field = body.has("otp") || !body.has("code") ? "otp" : "code";
    String code = Fields.length(field, body.string(field).trim(), 1, 32);
    return verifyCodeFor(ctx, email, code);
  }

  /** Signs in with the code last emailed to {@code email}. */
  Future<JsonObject> verifyCodeFor(RoutingContext ctx, String email, String code) {
    outbox.requireConfigured("auth.otp_unavailable");
    String key = email.toLowerCase(Locale.ROOT);
    return rateLimiter.hit("otp", "verify:" + key, VERIFY_GUESSES_PER_WINDOW, VERIFY_GUESS_WINDOW_SECONDS)
        .compose(ok -> users.byEmail(email))
        .compose(user -> {
          if (user == null) {
            return Future.failedFuture(invalidCode());
          }
          return tokens.checkOtp(user.id(), otpHash(user.id(), code), OTP_MAX_ATTEMPTS).compose(check -> {
            if (check == OtpCheck.LOCKED) {
              return Future.failedFuture(RateLimiter.tooMany("otp", SEND_INTERVAL_SECONDS));
            }
            if (check != OtpCheck.MATCHED) {
              audit.event(ctx, user.defaultOrgId(), user.id(), "user.login_failed",
                  new JsonObject().put("method", "email_otp"));
              return Future.failedFuture(invalidCode());
            }
            if (!"active".equals(user.status())) {
              return Future.failedFuture(ApiException.forbidden("user_suspended", "user is suspended"));
            }
            return signIn(ctx, user, email);
          });
        });
  }

  /** A correct code proves the address too, so it is marked verified. */
  private Future<JsonObject> signIn(RoutingContext ctx, UserRepository.Credentials user, String email) {
    return UserRepository.markEmailVerified(tokens.pool(), user.id(), email)
        .compose(v -> users.recordLogin(user.id()))
        .compose(v -> accounts.roleOf(user.id(), user.defaultOrgId()))
        .compose(role -> {
          audit.event(ctx, user.defaultOrgId(), user.id(), "user.login", new JsonObject().put("method", "email_otp"));
          return sessions.start(ctx, user.id(), user.defaultOrgId(), role, user.platformAdmin());
        });
  }

  private Future<Void> send(UUID userId, String purpose, String email, String tokenHash, Duration ttl,
      EmailMessage message, UUID orgId) {
    return outbox.send(message, orgId, tx -> EmailTokenRepository.issue(tx, userId, purpose, email, tokenHash, ttl));
  }

  /** Keyed by the JWT secret: a leaked table does not give away 6-digit codes by trying them all. */
  private String otpHash(UUID userId, String code) {
    return Tokens.hmacSha256Hex(config.auth().jwtSecret(), "otp:" + userId + ":" + code);
  }

  private static ApiException invalidCode() {
    return new ApiException(422, "auth.otp_invalid", "the code is wrong or expired",
        new JsonObject().put("field", "otp"));
  }
}
