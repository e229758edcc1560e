package dev.arkloop.api.contract;

import static dev.arkloop.api.contract.CommonSchemas.limit;
import static dev.arkloop.api.contract.JsonSchema.array;
import static dev.arkloop.api.contract.JsonSchema.bool;
import static dev.arkloop.api.contract.JsonSchema.dateTime;
import static dev.arkloop.api.contract.JsonSchema.enumOf;
import static dev.arkloop.api.contract.JsonSchema.integer;
import static dev.arkloop.api.contract.JsonSchema.number;
import static dev.arkloop.api.contract.JsonSchema.object;
import static dev.arkloop.api.contract.JsonSchema.ref;
import static dev.arkloop.api.contract.JsonSchema.string;
import static dev.arkloop.api.contract.JsonSchema.uuid;

/** The platform admin's endpoints, and usage of accounts and of the platform. */
final class AdminContracts {
  private static final String CURSOR = "next_cursor of the last item of the previous page";

  private AdminContracts() {}

  static void declare(ContractRegistry r) {
    overview(r);
    users(r);
    referrals(r);
    usage(r);
    email(r);
    gateway(r);
  }

  private static void overview(ContractRegistry r) {
    JsonSchema count = integer().minimum(0);
    r.declare("GET", "/v1/admin/dashboard", "Platform figures (cached for 10 seconds)")
        .returns(object().required("total_users", count).required("active_users_30d", count)
            .required("total_runs", count).property("total_input_tokens", count)
            .property("total_output_tokens", count).property("total_cost_usd", number())
            .property("runs_today", count).property("active_orgs", count).property("cached_at", dateTime()));
    r.declare("GET", "/v1/admin/runs/{run_id}", "Any run, with its route, credential and event count")
        .returns(object().required("run_id", uuid()).required("org_id", uuid()).required("thread_id", uuid())
            .required("status", enumOf(CommonSchemas.RUN_STATUSES)).property("model", string().nullable())
            .property("provider", string().nullable()).property("credential_name", string().nullable())
            .property("route_model", string().nullable()).property("event_count", integer().minimum(0)))
        .errors(404, "runs.not_found");
  }

  private static void users(ContractRegistry r) {
    JsonSchema status = enumOf("active", "suspended");
    r.schema("AdminUser", object()
        .required("id", uuid()).property("login", string().nullable()).required("username", string())
        .property("email", string().nullable()).property("email_verified", bool()).required("status", status)
        .property("avatar_url", string().nullable()).property("locale", string().nullable())
        .property("timezone", string().nullable()).property("is_platform_admin", bool())
        .property("last_login_at", dateTime().nullable()).property("created_at", dateTime())
        .property("next_cursor", string().description("Pass as `before` for the next page")));
    r.declare("GET", "/v1/admin/users", "Users, newest first")
        .query("q", string().length(1, 200), "Part of a login, username or email")
        .query("status", status, "Only users in this status")
        .query("limit", limit(200), "Page size")
        .query("before", string(), CURSOR).query("cursor", string(), "Alias of before")
        .returns(array(ref("AdminUser")));
    r.declare("GET", "/v1/admin/users/{user_id}", "Get a user")
        .returns(ref("AdminUser")).errors(404, "users.not_found");
    r.declare("PATCH", "/v1/admin/users/{user_id}", "Change a user; suspending ends their sessions and runs")
        .body(object().property("status", status).property("username", string().length(1, 64).nullable())
            .property("email", string().format("email").nullable()).property("email_verified", bool())
            .property("locale", string().length(2, 35).nullable())
            .property("timezone", string().description("IANA time zone").nullable()))
        .returns(ref("AdminUser"))
        .errors(404, "users.not_found")
        .errors(409, "conflict");
    r.declare("DELETE", "/v1/admin/users/{user_id}", "Delete a user; ends their sessions and runs")
        .errors(404, "users.not_found")
        .errors(409, "conflict");
  }

  private static void referrals(ContractRegistry r) {
    JsonSchema code = object().required("id", uuid()).required("user_id", uuid()).required("code", string())
        .property("max_uses", integer()).property("use_count", integer()).property("is_active", bool())
        .property("created_at", dateTime()).property("user_login", string().nullable())
        .property("user_email", string().nullable()).property("next_cursor", string());
    r.schema("AdminInviteCode", code);
    r.declare("GET", "/v1/admin/invite-codes", "Invite codes, newest first")
        .query("q", string().length(1, 200), "A code, or its owner's login or email")
        .query("limit", limit(200), "Page size")
        .query("before", string(), CURSOR).query("cursor", string(), "Alias of before")
        .returns(array(ref("AdminInviteCode")));
    r.declare("GET", "/v1/admin/invite-codes/{code_id}", "Get an invite code")
        .returns(ref("AdminInviteCode")).errors(404, "invite_codes.not_found");
    r.declare("PATCH", "/v1/admin/invite-codes/{code_id}", "Change an invite code's uses or activity")
        .body(object().property("max_uses", integer().range(0, 1_000_000)).property("is_active", bool()))
        .returns(ref("AdminInviteCode")).errors(404, "invite_codes.not_found");
    r.declare("GET", "/v1/admin/referrals", "Who invited whom, newest first")
        .query("inviter_user_id", uuid(), "Only this inviter's")
        .query("limit", limit(200), "Page size")
        .query("before", string(), CURSOR).query("cursor", string(), "Alias of before")
        .returns(array(object().required("id", uuid()).required("inviter_user_id", uuid())
            .required("invitee_user_id", uuid()).property("invite_code_id", uuid().nullable())
            .property("credited", bool()).property("created_at", dateTime())
            .property("inviter_login", string().nullable()).property("invitee_login", string().nullable())
            .property("next_cursor", string())));
    r.declare("GET", "/v1/admin/referrals/tree", "The users a user brought in, and theirs, depth first")
        .requiredQuery("user_id", uuid(), "The root user")
        .returns(array(object().required("user_id", uuid()).property("login", string().nullable())
            .property("inviter_id", uuid().nullable()).required("depth", integer().minimum(0))
            .property("created_at", dateTime())))
        .errors(404, "users.not_found");
  }

  private static void usage(ContractRegistry r) {
    JsonSchema count = integer().minimum(0);
    JsonSchema year = integer().range(2000, 2100).description("Default: the current UTC year");
    JsonSchema month = integer().range(1, 12).description("Default: the current UTC month");
    JsonSchema date = string().format("date").description("YYYY-MM-DD, inclusive; at most 366 days apart");
    JsonSchema daily = array(object().required("date", string()).property("input_tokens", count)
        .property("output_tokens", count).property("cost_usd", number().nullable()).property("record_count", count));
    JsonSchema byModel = array(object().required("model", string().nullable()).property("input_tokens", count)
        .property("output_tokens", count).property("cost_usd", number().nullable()).property("record_count", count));
    r.declare("GET", "/v1/admin/usage/summary", "Usage of the whole platform in a month")
        .query("year", year, null).query("month", month, null)
        .returns(object().required("year", integer()).required("month", integer().range(1, 12))
            .property("total_input_tokens", count).property("total_output_tokens", count)
            .property("total_cost_usd", number().nullable()).property("record_count", count));
    r.declare("GET", "/v1/admin/usage/daily", "Usage of the whole platform per day")
        .requiredQuery("start", date, null).requiredQuery("end", date, null)
        .returns(daily);
    r.declare("GET", "/v1/admin/usage/by-model", "Usage of the whole platform per model in a month")
        .query("year", year, null).query("month", month, null)
        .returns(byModel);
    String account = "/v1/accounts/{account_id}/usage";
    r.declare("GET", account, "An account's usage in a month")
        .query("year", year, null).query("month", month, null)
        .returns(ref("MonthlyUsage"))
        .errors(404, "accounts.not_found");
    r.declare("GET", account + "/daily", "An account's usage per day")
        .requiredQuery("start", date, null).requiredQuery("end", date, null)
        .returns(daily)
        .errors(404, "accounts.not_found");
    r.declare("GET", account + "/by-model", "An account's usage per model in a month")
        .query("year", year, null).query("month", month, null)
        .returns(byModel)
        .errors(404, "accounts.not_found");
  }

  private static void email(ContractRegistry r) {
    JsonSchema tls = enumOf("none", "starttls", "tls");
    r.declare("GET", "/v1/admin/email/status", "Whether email is configured, and from where")
        .returns(object().required("configured", bool()).property("from", string().nullable())
            .property("source", string().nullable()));
    r.declare("GET", "/v1/admin/email/config", "The SMTP settings (the password only as set or not)")
        .returns(object().property("from", string().nullable()).property("smtp_host", string().nullable())
            .property("smtp_port", integer().nullable()).property("smtp_user", string().nullable())
            .required("smtp_pass_set", bool()).property("smtp_tls_mode", string().nullable()));
    r.declare("PUT", "/v1/admin/email/config", "Store SMTP settings (an omitted smtp_pass keeps the stored one)")
        .body(object().required("from", string().length(3, 320)).required("smtp_host", string().length(1, 253))
            .property("smtp_port", integer().range(1, 65535).defaultValue(587))
            .property("smtp_user", string().length(0, 320).nullable())
            .property("smtp_pass", string().length(0, 1024).nullable())
            .property("smtp_tls_mode", tls.defaultValue("starttls")))
        .errors(503, "email.not_configured");
    r.declare("POST", "/v1/admin/email/test", "Send a test email")
        .body(object().required("to", string().length(3, 254).format("email")))
        .errors(503, "email.not_configured");
  }

  private static void gateway(ContractRegistry r) {
    JsonSchema config = object().required("ip_mode", enumOf("direct", "proxy", "cdn"))
        .required("trusted_cidrs", array(string()))
        .required("risk_reject_threshold", number().with("minimum", 0).with("maximum", 1));
    r.declare("GET", "/v1/admin/gateway-config", "The gateway's client-address and risk settings")
        .returns(config);
    r.declare("PUT", "/v1/admin/gateway-config", "Change the gateway's settings (omitted fields stay)")
        .body(object().property("ip_mode", enumOf("direct", "proxy", "cdn"))
            .property("trusted_cidrs", array(string().description("IPv4 or IPv6 CIDR")))
            .property("risk_reject_threshold", number().with("minimum", 0).with("maximum", 1)))
        .returns(config);
    r.declare("GET", "/v1/admin/access-log", "Requests the gateway saw, newest first")
        .operationId("admin.access_log.list")
        .query("limit", limit(200), "Page size")
        .query("before", string(), "next_before of the previous page")
        .query("since", dateTime(), "Only entries from this time")
        .query("method", string(), "Only this HTTP method")
        .query("path", string(), "Only paths starting with this")
        .query("ip", string(), "Only this client address")
        .query("country", string(), "Only this country code")
        .query("ua_type", enumOf("browser", "cli", "sdk", "bot", "unknown"), "Only this kind of client")
        .query("risk_min", number().with("minimum", 0).with("maximum", 1), "Only entries at least this risky")
        .returns(object().required("data", array(object().required("id", string())))
            .required("has_more", bool()).property("next_before", string().nullable()));
  }
}
