package dev.arkloop.api.contract;

import static dev.arkloop.api.contract.JsonSchema.array;
import static dev.arkloop.api.contract.JsonSchema.integer;
import static dev.arkloop.api.contract.JsonSchema.number;
import static dev.arkloop.api.contract.JsonSchema.object;
import static dev.arkloop.api.contract.JsonSchema.ref;
import static dev.arkloop.api.contract.JsonSchema.string;
import static dev.arkloop.api.contract.JsonSchema.uuid;

/** The caller's usage and personas, and the email flows of {@code /v1/auth/email}. */
final class MeContracts {
  private MeContracts() {}

  static void declare(ContractRegistry r) {
    JsonSchema count = integer().minimum(0);
    JsonSchema cost = number().nullable();
    r.schema("MonthlyUsage", object()
        .required("org_id", uuid()).required("year", integer()).required("month", integer().range(1, 12))
        .property("total_input_tokens", count).property("total_output_tokens", count)
        .property("total_cost_usd", cost).property("record_count", count));
    JsonSchema year = integer().range(2000, 2100).description("Default: the current UTC year");
    JsonSchema month = integer().range(1, 12).description("Default: the current UTC month");
    JsonSchema date = string().format("date").description("YYYY-MM-DD, inclusive");
    r.declare("GET", "/v1/me/usage", "The caller's token usage and cost in a month")
        .query("year", year, null).query("month", month, null)
        .returns(ref("MonthlyUsage"));
    r.declare("GET", "/v1/me/usage/daily", "The caller's usage per day")
        .requiredQuery("start", date, null).requiredQuery("end", date, null)
        .returns(array(object().required("date", string()).property("input_tokens", count)
            .property("output_tokens", count).property("cost_usd", cost).property("record_count", count)));
    r.declare("GET", "/v1/me/usage/by-model", "The caller's usage per model in a month")
        .query("year", year, null).query("month", month, null)
        .returns(array(object().required("model", string().nullable()).property("input_tokens", count)
            .property("output_tokens", count).property("cost_usd", cost).property("record_count", count)));
    r.declare("GET", "/v1/me/selectable-personas", "Personas the caller can pick for a run")
        .returns(array(object().description("An effective persona (built-in, platform or account layer)")));

    r.declare("POST", "/v1/auth/email/verify/send", "Email the caller a verification link")
        .errors(422, "email.no_address")
        .errors(429, "rate_limit")
        .errors(503, "email.not_configured");
    r.declare("POST", "/v1/auth/email/verify/confirm", "Confirm an email address with the emailed token")
        .body(object().required("token", string().length(1, 512)))
        .returns(ref("Ok"))
        .errors(422, "email.token_invalid");
    r.declare("POST", "/v1/auth/email/otp/send", "Email a one-time sign-in code")
        .description("Answers the same whether or not the address belongs to a user.")
        .body(object().required("email", string().length(3, 254).format("email"))
            .property("cf_turnstile_token", string()))
        .errors(422, "auth.captcha_invalid")
        .errors(503, "auth.otp_unavailable", "auth.captcha_unavailable");
    r.declare("POST", "/v1/auth/email/otp/verify", "Sign in with an emailed one-time code")
        .description("Sets the refresh token cookie.")
        .body(object().required("email", string().length(3, 254).format("email"))
            .required("otp", string().length(1, 32)))
        .returns(ref("Token"))
        .responseHeader("Set-Cookie", "arkloop_refresh_token (HttpOnly, Path=/v1/auth)")
        .errors(403, "auth.forbidden", "auth.user_suspended")
        .errors(422, "auth.otp_invalid")
        .errors(503, "auth.otp_unavailable");
  }
}
