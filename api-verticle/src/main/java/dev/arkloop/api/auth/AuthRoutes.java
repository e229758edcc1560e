package dev.arkloop.api.auth;

import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.http.ClientIp;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.identity.UserRepository;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Set;

/** Sign-up, sign-in, token refresh and sign-out under {@code /v1/auth}: parses, calls {@link LoginService}, answers. */
public final class AuthRoutes implements Resource {
  /** Refusals after which the refresh cookie is useless: the user is gone or suspended. */
  private static final Set<String> USER_GONE = Set.of("user_not_found", "user_suspended");

  private final ArkloopConfig config;
  private final LoginService service;
  private final UserRepository users;
  private final Sessions sessions;
  private final RateLimiter rateLimiter;
  private final Turnstile turnstile;
  private final AuditTrail audit;

  public AuthRoutes(ArkloopConfig config, LoginService service, UserRepository users, Sessions sessions,
      RateLimiter rateLimiter, Turnstile turnstile, AuditTrail audit) {
    this.config = config;
    this.service = service;
    this.users = users;
    this.sessions = sessions;
    this.rateLimiter = rateLimiter;
    this.turnstile = turnstile;
    this.audit = audit;
  }

  @Override
  public void mount(Routes routes) {
    routes.before("/v1/auth/*", this::limitByIp);
    routes.before("/v1/auth/*", AuthRoutes::refuseApiKeys);
    routes.get("/v1/auth/captcha-config").publicAccess().respond(ctx -> Future.succeededFuture(turnstile.publicConfig()));
    routes.get("/v1/auth/registration-mode").publicAccess().respond(ctx -> service.registrationMode()
        .map(mode -> new JsonObject().put("mode", mode)));
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
    rateLimiter.hit("auth", ClientIp.of(ctx, config.http().trustForwardedFor()),
            config.auth().authRequestsPerMinute(), 60)
        .onSuccess(ok -> ctx.next())
        .onFailure(ctx::fail);
  }

  private Future<JsonObject> check(RoutingContext ctx) {
    String login = Fields.length("login", RequestBody.of(ctx).string("login"), 1, 254);
    return users.loginOrEmailExists(login).map(exists -> new JsonObject().put("exists", exists));
  }

  private Future<JsonObject> register(RoutingContext ctx) {
    service.requireRegistrationConfigured();
    RequestBody body = RequestBody.of(ctx);
    String login = Fields.login("login", Fields.length("login", body.string("login"), 2, 64));
    String password = body.string("password");
    String email = Fields.email("email", body.string("email"));
    String locale = Fields.length("locale", body.optionalString("locale"), 2, 35);
    String inviteCode = body.optionalString("invite_code");
    LoginService.SignUp signUp = new LoginService.SignUp(login, password, email, locale,
        inviteCode == null || inviteCode.isBlank() ? null : inviteCode, body.optionalString("cf_turnstile_token"));
    return service.register(signUp, audit.origin(ctx))
        .map(user -> sessions.respond(ctx, user.tokens()).put("user_id", user.userId().toString()));
  }

  private Future<JsonObject> login(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String login = Fields.length("login", body.string("login"), 1, 254);
    String password = Fields.length("password", body.string("password"), 1, 1024);
    return service.login(login, password, body.optionalString("cf_turnstile_token"), audit.origin(ctx))
        .map(tokens -> sessions.respond(ctx, tokens));
  }

  private Future<JsonObject> refresh(RoutingContext ctx) {
    String presented = Sessions.presentedRefreshToken(ctx);
    if (presented == null) {
      throw ApiException.unauthorized("missing_token", "no refresh token cookie");
    }
    return service.refresh(presented, audit.origin(ctx))
        .map(tokens -> sessions.respond(ctx, tokens))
        .recover(refused -> {
          if (refused instanceof ApiException api && USER_GONE.contains(api.details().getString("reason"))) {
            sessions.clearCookie(ctx);
          }
          return Future.failedFuture(refused);
        });
  }

  private Future<JsonObject> logout(RoutingContext ctx) {
    return service.logout(Principal.of(ctx), audit.origin(ctx)).map(done -> {
      sessions.clearCookie(ctx);
      return new JsonObject().put("ok", true);
    });
  }
}
