package dev.arkloop.api.contract;

import static dev.arkloop.api.contract.CommonSchemas.limit;
import static dev.arkloop.api.contract.JsonSchema.array;
import static dev.arkloop.api.contract.JsonSchema.bool;
import static dev.arkloop.api.contract.JsonSchema.dateTime;
import static dev.arkloop.api.contract.JsonSchema.enumOf;
import static dev.arkloop.api.contract.JsonSchema.integer;
import static dev.arkloop.api.contract.JsonSchema.object;
import static dev.arkloop.api.contract.JsonSchema.ref;
import static dev.arkloop.api.contract.JsonSchema.string;
import static dev.arkloop.api.contract.JsonSchema.uuid;

/** Accounts and invitations, teams, API keys, IP rules, the audit log, and sign-in by identity. */
final class IdentityContracts {
  private IdentityContracts() {}

  static void declare(ContractRegistry r) {
    accounts(r);
    teams(r);
    apiKeys(r);
    audit(r);
    resolve(r);
  }

  private static void accounts(ContractRegistry r) {
    r.schema("Account", object()
        .required("id", uuid()).required("slug", string()).required("name", string())
        .property("type", enumOf("personal", "workspace")).property("created_at", dateTime())
        .property("role", string().description("The caller's role in it (in lists of the caller's accounts)")));
    r.declare("POST", "/v1/accounts", "Create a workspace account; the caller becomes its admin")
        .body(object()
            .required("slug", string().length(1, 100).pattern("^[a-z0-9-]+$"))
            .required("name", string().length(1, 200)))
        .returns(ref("Account"))
        .errors(409, "accounts.slug_conflict");
    r.declare("GET", "/v1/accounts/me", "The accounts the caller belongs to, with the caller's role")
        .operationId("accounts.list_mine")
        .returns(array(ref("Account")));
    r.declare("GET", "/v1/accounts/{account_id}", "Get an account the caller belongs to")
        .returns(ref("Account"))
        .errors(404, "accounts.not_found");
    JsonSchema invitation = object()
        .required("id", uuid()).required("org_id", uuid()).property("account_id", uuid())
        .property("invited_by_user_id", uuid().nullable()).required("email", string()).required("role", string())
        .property("expires_at", dateTime()).property("accepted_at", dateTime().nullable())
        .property("created_at", dateTime());
    r.schema("Invitation", invitation);
    JsonSchema accountRole = enumOf("account_member", "account_admin", "member", "admin");
    r.declare("POST", "/v1/accounts/{account_id}/invitations", "Invite someone into an account by email")
        .description("The answer carries the invitation `token` once; it is valid for 7 days.")
        .body(object().required("email", string().length(3, 254).format("email"))
            .required("role", accountRole))
        .returns(ref("Invitation").description("With `token`, shown once"))
        .errors(404, "accounts.not_found");
    r.declare("GET", "/v1/accounts/{account_id}/invitations", "Open invitations of an account")
        .returns(array(ref("Invitation")))
        .errors(404, "accounts.not_found");
    r.declare("POST", "/v1/account-invitations/{token}/accept", "Accept an invitation (the caller joins the account)")
        .returns(object().required("ok", bool()).required("org_id", uuid()))
        .errors(404, "invitations.not_found")
        .errors(409, "conflict");
    r.declare("DELETE", "/v1/account-invitations/{invitation_id}", "Revoke an open invitation")
        .returns(ref("Ok"))
        .errors(404, "invitations.not_found");
  }

  private static void teams(ContractRegistry r) {
    r.schema("Team", object()
        .required("id", uuid()).required("org_id", uuid()).property("account_id", uuid())
        .required("name", string()).property("members_count", integer().minimum(0))
        .property("created_at", dateTime()));
    JsonSchema member = object().required("team_id", uuid()).required("user_id", uuid())
        .required("role", enumOf("member", "admin")).property("created_at", dateTime());
    r.declare("POST", "/v1/teams", "Create a team in the caller's account")
        .body(object().required("name", string().length(1, 100)))
        .returns(ref("Team"));
    r.declare("GET", "/v1/teams", "The teams of the caller's account").returns(array(ref("Team")));
    r.declare("DELETE", "/v1/teams/{team_id}", "Delete a team").errors(404, "teams.not_found");
    r.declare("GET", "/v1/teams/{team_id}/members", "Members of a team")
        .returns(array(member))
        .errors(404, "teams.not_found");
    r.declare("POST", "/v1/teams/{team_id}/members", "Add a member of the account to a team")
        .body(object().required("user_id", uuid()).required("role", enumOf("member", "admin")))
        .returns(member)
        .errors(404, "teams.not_found")
        .errors(409, "team_members.user_id_conflict")
        .errors(422, "validation.error");
    r.declare("DELETE", "/v1/teams/{team_id}/members/{user_id}", "Remove a member from a team")
        .errors(404, "teams.not_found", "users.not_found");
  }

  private static void apiKeys(ContractRegistry r) {
    r.schema("ApiKey", object()
        .required("id", uuid()).required("org_id", uuid()).required("user_id", uuid())
        .required("name", string()).required("key_prefix", string().description("The first 11 characters"))
        .required("scopes", array(string())).property("revoked_at", dateTime().nullable())
        .property("last_used_at", dateTime().nullable()).property("created_at", dateTime())
        .property("key", string().pattern("^al_[0-9a-f]{64}$").description("The key itself: only in the answer "
            + "to its creation")));
    r.declare("POST", "/v1/api-keys", "Create an API key (shown once)")
        .body(object().required("name", string().length(1, 200))
            .property("scopes", array(string()).description("Permissions the key holds, at most the creator's; "
                + "none: all of the creator's")))
        .returns(ref("ApiKey"))
        .errors(403, "api_keys.scope_forbidden");
    r.declare("GET", "/v1/api-keys", "The caller's API keys (all of the account's for members.list holders)")
        .returns(array(ref("ApiKey")));
    r.declare("DELETE", "/v1/api-keys/{id}", "Revoke an API key").errors(404, "api_keys.not_found");
  }

  private static void audit(ContractRegistry r) {
    JsonSchema rule = object().required("id", uuid()).required("org_id", uuid())
        .required("type", enumOf("allowlist", "blocklist")).required("cidr", string())
        .property("note", string().nullable()).property("created_at", dateTime());
    r.declare("POST", "/v1/ip-rules", "Add an IP allow or block rule to the caller's account")
        .body(object().required("type", enumOf("allowlist", "blocklist"))
            .required("cidr", string().length(1, 64).description("An IPv4 or IPv6 network, e.g. 10.0.0.0/8"))
            .property("note", string().length(0, 500).nullable()))
        .returns(rule);
    r.declare("GET", "/v1/ip-rules", "The account's IP rules").returns(array(rule));
    r.declare("DELETE", "/v1/ip-rules/{rule_id}", "Delete an IP rule").errors(404, "ip_rules.not_found");
    JsonSchema time = dateTime().description("RFC 3339 timestamp");
    r.declare("GET", "/v1/audit-logs", "The account's audit log, newest first")
        .query("org_id", uuid(), "Another account (needs audit.read there)")
        .query("limit", limit(200), "Page size")
        .query("offset", integer().minimum(0).defaultValue(0), "Entries to skip")
        .query("action", string(), "Only this action, e.g. thread.create")
        .query("actor_user_id", uuid(), "Only this actor")
        .query("target_type", string(), "Only this kind of target")
        .query("since", time, "From this time").query("until", time, "Until this time")
        .query("include", enumOf("state"), "state: also the before/after state of each change")
        .returns(object().required("data", array(object().required("id", uuid()).property("action", string())
            .property("created_at", dateTime()))).required("total", integer().minimum(0)));
  }

  private static void resolve(ContractRegistry r) {
    JsonSchema captcha = string().description("Required when Turnstile is enabled");
    r.declare("POST", "/v1/auth/resolve", "First step of sign-in: what to ask for the identity given")
        .body(object().required("identity", string().length(1, 254).description("Username or email"))
            .property("cf_turnstile_token", captcha))
        .returns(object()
            .required("next_step", enumOf("password", "register"))
            .property("flow_token", string().description("Pass to the otp steps"))
            .required("otp_available", bool()).required("invite_required", bool())
            .property("masked_email", string())
            .property("prefill", object().property("email", string()).property("login", string())))
        .errors(422, "auth.captcha_invalid")
        .errors(503, "auth.captcha_unavailable");
    r.declare("POST", "/v1/auth/resolve/otp/send", "Email a one-time code for a resolved identity")
        .body(object().required("flow_token", string().with("minLength", 1)).property("cf_turnstile_token", captcha))
        .errors(401, "auth.unauthorized")
        .errors(422, "auth.captcha_invalid", "auth.otp_unavailable")
        .errors(503, "auth.otp_unavailable", "auth.captcha_unavailable");
    r.declare("POST", "/v1/auth/resolve/otp/verify", "Sign in with the code emailed for a resolved identity")
        .description("Sets the refresh token cookie.")
        .body(object().required("flow_token", string().with("minLength", 1)).required("code", string().length(1, 32)))
        .returns(ref("Token"))
        .responseHeader("Set-Cookie", "arkloop_refresh_token (HttpOnly, Path=/v1/auth)")
        .errors(401, "auth.unauthorized")
        .errors(403, "auth.forbidden", "auth.user_suspended")
        .errors(422, "auth.otp_invalid", "auth.otp_unavailable")
        .errors(503, "auth.otp_unavailable");
  }
}
