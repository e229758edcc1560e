package dev.arkloop.api.contract;

import static dev.arkloop.api.contract.JsonSchema.array;
import static dev.arkloop.api.contract.JsonSchema.bool;
import static dev.arkloop.api.contract.JsonSchema.dateTime;
import static dev.arkloop.api.contract.JsonSchema.enumOf;
import static dev.arkloop.api.contract.JsonSchema.object;
import static dev.arkloop.api.contract.JsonSchema.ref;
import static dev.arkloop.api.contract.JsonSchema.string;
import static dev.arkloop.api.contract.JsonSchema.uuid;

/** Sign-up, sign-in, tokens and the caller's own profile ({@code /v1/auth}, {@code /v1/me}). */
final class AuthContracts {
  private AuthContracts() {}

  static void declare(ContractRegistry r) {
    r.schema("Registration", object().required("user_id", uuid()).required("access_token", string())
        .required("token_type", JsonSchema.constant("bearer")).property("warning", string()));
    r.declare("GET", "/v1/auth/captcha-config", "Captcha (Cloudflare Turnstile) settings for sign-in forms")
        .returns(object().required("enabled", bool()).property("site_key", string().nullable()));
    r.declare("GET", "/v1/auth/registration-mode", "Whether anyone may register")
        .returns(object().required("mode", enumOf("open", "invite_only", "disabled")));
    r.declare("POST", "/v1/auth/check", "Whether a login (username or email) exists")
        .body(object().required("login", string().length(1, 254)))
        .returns(object().required("exists", bool()));
    r.declare("POST", "/v1/auth/register", "Register a user with a personal account")
        .description("Sets the refresh token cookie. Creates the user, a personal account (the user is its "
            + "`account_admin`) and its initial credits.")
        .body(object()
            .required("login", string().length(2, 64).description("Username"))
            .required("password", string().length(8, 256).description("At least the configured minimum length"))
            .required("email", string().format("email"))
            .property("invite_code", string().description("Required when the registration mode is invite_only"))
            .property("locale", string().length(2, 35))
            .property("cf_turnstile_token", string().description("Required when Turnstile is enabled")))
        .returns(ref("Registration"))
        .responseHeader("Set-Cookie", "arkloop_refresh_token (HttpOnly, Path=/v1/auth)")
        .errors(403, "auth.forbidden")
        .errors(409, "auth.login_exists", "users.email_conflict", "conflict")
        .errors(422, "auth.invite_code_required", "auth.invite_code_invalid", "auth.captcha_invalid")
        .errors(503, "auth.captcha_unavailable");
    r.declare("POST", "/v1/auth/login", "Sign in with a login and password")
        .description("Sets the refresh token cookie.")
        .body(object()
            .required("login", string().length(1, 254).description("Username or email"))
            .required("password", string().length(1, 1024))
            .property("cf_turnstile_token", string()))
        .returns(ref("Token"))
        .responseHeader("Set-Cookie", "arkloop_refresh_token (HttpOnly, Path=/v1/auth)")
        .errors(401, "auth.unauthorized", "auth.invalid_credentials")
        .errors(403, "auth.forbidden", "auth.user_suspended")
        .errors(422, "auth.captcha_invalid")
        .errors(503, "auth.captcha_unavailable");
    r.declare("POST", "/v1/auth/refresh", "Exchange the refresh cookie for a new access token")
        .description("The presented refresh token is consumed and a new cookie is set. Presenting a consumed "
            + "token revokes its whole family.")
        .returns(ref("Token"))
        .responseHeader("Set-Cookie", "the rotated arkloop_refresh_token")
        .errors(401, "auth.unauthorized")
        .errors(403, "auth.forbidden");
    r.declare("POST", "/v1/auth/logout", "Sign out everywhere")
        .description("Revokes every refresh token of the user and invalidates older access tokens.")
        .returns(ref("Ok"))
        .responseHeader("Set-Cookie", "clears arkloop_refresh_token");

    r.declare("GET", "/v1/me", "The caller: user, current account, role and permissions")
        .returns(object()
            .required("id", uuid())
            .required("username", string())
            .property("email", string().nullable())
            .property("email_verified", bool())
            .property("email_verification_required", bool())
            .property("created_at", dateTime())
            .required("org_id", uuid())
            .property("org_name", string().nullable())
            .required("role", string())
            .required("permissions", array(string()))
            .property("timezone", string().nullable())
            .property("work_enabled", bool()));
    r.declare("PATCH", "/v1/me", "Change the caller's username or time zone")
        .body(object()
            .property("username", string().length(1, 64))
            .property("timezone", string().description("IANA time zone, e.g. Europe/Paris").nullable()))
        .returns(object().required("username", string()).property("timezone", string().nullable()));
    JsonSchema inviteCode = object()
        .required("id", uuid())
        .required("user_id", uuid())
        .required("code", string())
        .property("max_uses", JsonSchema.integer())
        .property("use_count", JsonSchema.integer())
        .property("is_active", bool())
        .property("created_at", dateTime());
    r.schema("InviteCode", inviteCode);
    r.declare("GET", "/v1/me/invite-code", "The caller's invite code (created on first call)")
        .returns(ref("InviteCode"));
    r.declare("POST", "/v1/me/invite-code/reset", "Replace the caller's invite code with a new one")
        .returns(ref("InviteCode"));
  }
}
