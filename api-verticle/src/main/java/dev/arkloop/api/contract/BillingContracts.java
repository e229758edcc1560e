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

/** Credits, plans, subscriptions, entitlement overrides, redemption codes and feature flags. */
final class BillingContracts {
  private BillingContracts() {}

  static void declare(ContractRegistry r) {
    credits(r);
    plans(r);
    redemption(r);
    flags(r);
  }

  private static void credits(ContractRegistry r) {
    JsonSchema day = string().format("date").description("YYYY-MM-DD (UTC)");
    JsonSchema transaction = object().required("id", uuid()).required("amount", integer())
        .property("org_id", uuid()).property("type", string()).property("reference_type", string().nullable())
        .property("reference_id", string().nullable()).property("note", string().nullable())
        .property("thread_title", string().nullable()).property("created_at", dateTime());
    JsonSchema statement = object().property("org_id", uuid())
        .required("balance", integer().description("Credits left"))
        .required("transactions", array(transaction));
    r.schema("CreditStatement", statement);
    r.declare("GET", "/v1/me/credits", "The balance and ledger of the caller's account")
        .query("from", day, "First day").query("to", day, "Last day")
        .query("limit", limit(200), "Page size")
        .query("offset", integer().range(0, 1_000_000).defaultValue(0), "Entries to skip")
        .returns(ref("CreditStatement"));
    r.declare("GET", "/v1/admin/credits", "The balance and ledger of any account")
        .requiredQuery("org_id", uuid(), "The account")
        .query("from", day, "First day").query("to", day, "Last day")
        .query("limit", limit(200), "Page size")
        .query("offset", integer().range(0, 1_000_000).defaultValue(0), "Entries to skip")
        .returns(ref("CreditStatement"))
        .errors(404, "accounts.not_found");
    JsonSchema amount = integer().description("Credits to add (negative: to take); not 0");
    JsonSchema note = string().length(0, 1000).nullable();
    r.declare("POST", "/v1/admin/credits/adjust", "Add or take credits of one account")
        .body(object().required("org_id", uuid()).required("amount", amount).property("note", note))
        .returns(object().required("org_id", uuid()).required("balance", integer()))
        .errors(404, "accounts.not_found");
    JsonSchema affected = object().required("affected", integer().minimum(0).description("Accounts changed"));
    r.declare("POST", "/v1/admin/credits/bulk-adjust", "Add or take credits of every account")
        .body(object().required("amount", amount).property("note", note))
        .returns(affected);
    r.declare("POST", "/v1/admin/credits/reset-all", "Set every account's balance to zero")
        .optionalBody(object().property("note", note))
        .returns(affected);
  }

  private static void plans(ContractRegistry r) {
    JsonSchema valueType = enumOf("integer", "boolean", "string");
    JsonSchema entitlementKey = string().length(1, 100).pattern("^[a-z0-9_]+(\\.[a-z0-9_]+)*$")
        .description("Dotted lowercase words, e.g. quota.runs_per_month");
    r.schema("Plan", object().required("id", uuid()).required("name", string()).required("display_name", string())
        .property("created_at", dateTime())
        .required("entitlements", array(object().required("key", string()).required("value", string())
            .required("value_type", valueType).property("id", uuid()))));
    r.declare("GET", "/v1/plans", "Every plan with its entitlements").returns(array(ref("Plan")));
    r.declare("GET", "/v1/plans/{plan_id}", "Get a plan").returns(ref("Plan")).errors(404, "plans.not_found");
    r.declare("POST", "/v1/plans", "Create a plan")
        .body(object().required("name", string().length(1, 100)).required("display_name", string().length(1, 200))
            .property("entitlements", array(object().required("key", entitlementKey)
                .required("value", string()).required("value_type", valueType))))
        .returns(ref("Plan"))
        .errors(409, "conflict");

    JsonSchema subscription = object().required("id", uuid()).required("org_id", uuid()).required("plan_id", uuid())
        .required("status", enumOf("active", "cancelled")).property("current_period_start", dateTime())
        .property("current_period_end", dateTime()).property("cancelled_at", dateTime().nullable())
        .property("created_at", dateTime());
    r.schema("Subscription", subscription);
    r.declare("POST", "/v1/subscriptions", "Subscribe an account to a plan")
        .body(object().required("org_id", uuid()).required("plan_id", uuid())
            .required("current_period_start", dateTime()).required("current_period_end", dateTime()))
        .returns(ref("Subscription"))
        .errors(404, "accounts.not_found", "plans.not_found")
        .errors(409, "subscriptions.conflict");
    r.declare("GET", "/v1/subscriptions", "Subscriptions (the caller's account's; any account's for platform admins)")
        .query("org_id", uuid(), "Platform admins: only this account")
        .returns(array(ref("Subscription")));
    r.declare("GET", "/v1/subscriptions/{subscription_id}", "Get a subscription")
        .returns(ref("Subscription")).errors(404, "subscriptions.not_found");
    r.declare("DELETE", "/v1/subscriptions/{subscription_id}", "Cancel an active subscription")
        .returns(ref("Subscription")).errors(404, "subscriptions.not_found");

    JsonSchema override = object().required("id", uuid()).required("org_id", uuid()).required("key", string())
        .required("value", string()).required("value_type", valueType).property("reason", string().nullable())
        .property("expires_at", dateTime().nullable()).property("created_by_user_id", uuid().nullable())
        .property("created_at", dateTime());
    r.declare("GET", "/v1/entitlement-overrides", "An account's entitlement overrides")
        .requiredQuery("org_id", uuid(), "The account")
        .returns(array(override));
    r.declare("POST", "/v1/entitlement-overrides", "Override one entitlement of an account")
        .body(object().required("org_id", uuid()).required("key", entitlementKey).required("value_type", valueType)
            .required("value", string()).property("reason", string().length(0, 1000).nullable())
            .property("expires_at", dateTime().nullable()))
        .returns(override)
        .errors(404, "accounts.not_found");
    r.declare("DELETE", "/v1/entitlement-overrides/{override_id}", "Remove an entitlement override")
        .query("org_id", uuid(), "The account it belongs to")
        .returns(ref("Ok"))
        .errors(404, "entitlement_overrides.not_found");
  }

  private static void redemption(ContractRegistry r) {
    JsonSchema type = enumOf("credits", "credit", "feature");
    r.declare("POST", "/v1/me/redeem", "Redeem a code for the caller's account")
        .body(object().required("code", string().length(1, 100)))
        .returns(object().required("code", string()).required("type", string()).required("value", JsonSchema.any()))
        .errors(404, "redemption_codes.not_found")
        .errors(409, "redemption_codes.inactive", "redemption_codes.already_redeemed", "redemption_codes.exhausted")
        .errors(410, "redemption_codes.expired")
        .errors(429, "rate_limit");
    JsonSchema code = object().required("id", uuid()).required("code", string()).required("type", string())
        .required("value", string()).property("max_uses", integer()).property("use_count", integer())
        .required("is_active", bool()).property("expires_at", dateTime().nullable())
        .property("batch_id", string().nullable()).property("created_at", dateTime());
    r.schema("RedemptionCode", code);
    r.declare("POST", "/v1/admin/redemption-codes/batch", "Create a batch of redemption codes")
        .operationId("admin.redemption_codes.create_batch")
        .body(object().required("count", integer().range(1, 500)).required("type", type)
            .required("value", string().length(1, 200).description("Credits as an integer string, or a feature"))
            .property("max_uses", integer().range(1, 1_000_000).defaultValue(1))
            .property("expires_at", dateTime().nullable())
            .property("batch_id", string().length(1, 100).nullable()))
        .returns(array(ref("RedemptionCode")));
    r.declare("GET", "/v1/admin/redemption-codes", "Redemption codes, newest first")
        .query("q", string(), "Part of a code, or a batch id")
        .query("type", type, "Only this type")
        .query("cursor", uuid(), "Id of the last code of the previous page")
        .query("limit", limit(200), "Page size")
        .returns(array(ref("RedemptionCode")));
    r.declare("PATCH", "/v1/admin/redemption-codes/{code_id}", "Deactivate a redemption code")
        .body(object().required("is_active", bool().description("Only false: a deactivated code stays so")))
        .returns(ref("RedemptionCode"))
        .errors(404, "redemption_codes.not_found")
        .errors(422, "validation.error");
  }

  private static void flags(ContractRegistry r) {
    JsonSchema flag = object().required("id", uuid()).required("key", string())
        .property("description", string().nullable()).required("default_value", bool())
        .required("supports_org_overrides", bool()).property("created_at", dateTime());
    r.schema("FeatureFlag", flag);
    r.declare("POST", "/v1/feature-flags", "Create a feature flag")
        .body(object().required("key", string().length(1, 100).pattern("^[a-z0-9_]+(\\.[a-z0-9_]+)*$"))
            .required("default_value", bool()).property("description", string().length(0, 1000).nullable())
            .property("supports_org_overrides", bool().defaultValue(false)))
        .returns(ref("FeatureFlag"))
        .errors(409, "conflict");
    r.declare("GET", "/v1/feature-flags", "Every feature flag").returns(array(ref("FeatureFlag")));
    String item = "/v1/feature-flags/{key}";
    r.declare("GET", item, "Get a feature flag").returns(ref("FeatureFlag")).errors(404, "feature_flags.not_found");
    r.declare("PATCH", item, "Change a flag's default (and description)")
        .body(object().required("default_value", bool()).property("description", string().length(0, 1000)))
        .returns(ref("FeatureFlag")).errors(404, "feature_flags.not_found");
    r.declare("DELETE", item, "Delete a feature flag").returns(ref("Ok")).errors(404, "feature_flags.not_found");
    JsonSchema override = object().required("org_id", uuid()).required("flag_key", string())
        .required("enabled", bool()).property("created_at", dateTime());
    for (String kind : new String[] {"account-overrides", "org-overrides"}) {
      String base = item + "/" + kind;
      String name = kind.replace('-', '_');
      String alias = kind.equals("org-overrides") ? " (alias of account-overrides)" : "";
      r.declare("POST", base, "Set a flag for one account" + alias)
          .operationId("feature_flags." + name + ".put")
          .body(object().required("org_id", uuid()).required("enabled", bool()))
          .returns(override)
          .errors(404, "feature_flags.not_found", "accounts.not_found")
          .errors(422, "validation.error");
      r.declare("GET", base, "A flag's account overrides" + alias)
          .returns(array(override)).errors(404, "feature_flags.not_found");
      r.declare("DELETE", base + "/{org_id}", "Remove a flag's override for one account" + alias)
          .returns(ref("Ok")).errors(404, "feature_flags.not_found");
    }
  }
}
