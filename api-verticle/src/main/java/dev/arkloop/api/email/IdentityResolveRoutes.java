package dev.arkloop.api.email;

import dev.arkloop.api.http.ClientIp;
import dev.arkloop.api.auth.Turnstile;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.identity.UserRepository;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.UUID;

/**
 * Identity-first sign-in, as the original web client drives it: {@code POST /v1/auth/resolve} says
 * whether an identity signs in ({@code password}, optionally by emailed code) or registers. It tells
 * no more than {@code POST /v1/auth/check} does: it sits behind the same per-IP auth limit, runs the
 * same single query and the same token signing for known and unknown identities, and shows an
 * address only masked.
 */
public final class IdentityResolveRoutes {
  private final ArkloopConfig config;
  private final UserRepository users;
  private final EmailOutbox outbox;
  private final EmailAuthRoutes emailRoutes;
  private final Turnstile turnstile;
  private final FlowTokens flowTokens;

  public IdentityResolveRoutes(ArkloopConfig config, UserRepository users, EmailOutbox outbox,
      EmailAuthRoutes emailRoutes, Turnstile turnstile) {
    this.config = config;
    this.users = users;
    this.outbox = outbox;
    this.emailRoutes = emailRoutes;
    this.turnstile = turnstile;
    this.flowTokens = new FlowTokens(config.auth().jwtSecret(), Clock.systemUTC());
  }

  public void mount(Routes routes) {
    routes.post("/v1/auth/resolve").publicAccess().respond(this::resolve);
    routes.post("/v1/auth/resolve/otp/send").publicAccess().respond(this::sendCode);
    routes.post("/v1/auth/resolve/otp/verify").publicAccess().respond(this::verifyCode);
  }

  private Future<JsonObject> resolve(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String identity = Fields.length("identity", body.string("identity").trim(), 1, 254);
    return turnstile.verify(body.optionalString("cf_turnstile_token"), ClientIp.of(ctx, config.http().trustForwardedFor()))
        .compose(ok -> users.identity(identity))
        .map(user -> {
          // signed for unknown identities too, and thrown away: both answers cost the same
          String flowToken = flowTokens.issue(user == null ? UUID.randomUUID() : user.id());
          return user == null ? toRegister(identity) : toSignIn(user, flowToken);
        });
  }

  private JsonObject toSignIn(UserRepository.Identity user, String flowToken) {
    JsonObject answer = new JsonObject().put("next_step", "password").put("flow_token", flowToken)
        .put("otp_available", outbox.configured() && user.email() != null).put("invite_required", false);
    if (user.email() != null) {
      answer.put("masked_email", FlowTokens.mask(user.email()));
    }
    return answer;
  }

  private JsonObject toRegister(String identity) {
    JsonObject prefill = identity.contains("@") ? new JsonObject().put("email", identity)
        : new JsonObject().put("login", identity);
    return new JsonObject().put("next_step", "register").put("otp_available", false)
        .put("invite_required", "invite_only".equals(config.auth().registrationMode()))
        .put("prefill", prefill);
  }

  private Future<Void> sendCode(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String captcha = body.optionalString("cf_turnstile_token");
    return addressOf(body.string("flow_token")).compose(email -> emailRoutes.sendCodeTo(ctx, email, captcha));
  }

  private Future<JsonObject> verifyCode(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    String code = Fields.length("code", body.string("code").trim(), 1, 32);
    return addressOf(body.string("flow_token")).compose(email -> emailRoutes.verifyCodeFor(ctx, email, code));
  }

  private Future<String> addressOf(String flowToken) {
    outbox.requireConfigured("auth.otp_unavailable");
    UUID userId = flowTokens.verify(flowToken.trim());
    if (userId == null) {
      return Future.failedFuture(ApiException.unauthorized("flow_token_invalid", "the sign-in flow expired; start again"));
    }
    return users.contact(userId).compose(contact -> contact == null || contact.email() == null
        ? Future.failedFuture(new ApiException(422, "auth.otp_unavailable", "this account has no email address"))
        : Future.succeededFuture(contact.email()));
  }
}
