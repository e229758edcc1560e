package dev.arkloop.api.contract;

import static dev.arkloop.api.contract.JsonSchema.array;
import static dev.arkloop.api.contract.JsonSchema.bool;
import static dev.arkloop.api.contract.JsonSchema.constant;
import static dev.arkloop.api.contract.JsonSchema.dateTime;
import static dev.arkloop.api.contract.JsonSchema.enumOf;
import static dev.arkloop.api.contract.JsonSchema.integer;
import static dev.arkloop.api.contract.JsonSchema.number;
import static dev.arkloop.api.contract.JsonSchema.object;
import static dev.arkloop.api.contract.JsonSchema.string;
import static dev.arkloop.api.contract.JsonSchema.uuid;

import dev.arkloop.common.runs.RunStatus;

/** Schemas shared by several operations: the error envelope, the core resources, tokens. */
final class CommonSchemas {
  static final String[] RUN_STATUSES = RunStatus.wireNames().toArray(String[]::new);

  private CommonSchemas() {}

  static JsonSchema limit(int max) {
    return integer().range(1, max).defaultValue(50);
  }

  static void declare(ContractRegistry registry) {
    registry.schema("ErrorEnvelope", object()
        .description("Every error body. `error` is a dotted code; `code` repeats it.")
        .required("error", string())
        .required("message", string())
        .required("trace_id", string())
        .property("code", string())
        .property("details", object().description("The precise cause: `reason`, `field`, `permission`…")));
    registry.schema("Ok", object().required("ok", bool().with("const", true)));
    registry.schema("Token", object()
        .required("access_token", string().description("JWT access token, 15 minutes by default"))
        .required("token_type", constant("bearer")));
    registry.schema("Thread", object()
        .required("id", uuid())
        .required("org_id", uuid())
        .property("created_by_user_id", uuid().nullable())
        .property("title", string().nullable())
        .property("project_id", uuid().nullable())
        .required("created_at", dateTime())
        .property("updated_at", dateTime())
        .property("active_run_id", uuid().nullable().description("A run that has not ended, if any"))
        .required("is_private", bool()));
    registry.schema("Message", object()
        .required("id", uuid())
        .required("org_id", uuid())
        .required("thread_id", uuid())
        .property("created_by_user_id", uuid().nullable())
        .required("role", enumOf("user", "assistant"))
        .required("content", string())
        .property("content_json", object().nullable())
        .property("run_id", uuid().nullable())
        .required("created_at", dateTime()));
    registry.schema("RunCreated", object()
        .required("run_id", uuid())
        .required("trace_id", string())
        .property("id", uuid().description("Same as run_id")));
    registry.schema("Run", runSummary());
    registry.schema("RunOfThread", object()
        .required("run_id", uuid())
        .required("status", enumOf(RUN_STATUSES))
        .required("created_at", dateTime()));
    registry.schema("Project", object()
        .required("id", uuid())
        .required("org_id", uuid())
        .property("team_id", uuid().nullable())
        .required("name", string())
        .property("description", string().nullable())
        .required("visibility", enumOf("private", "shared"))
        .property("owner_user_id", uuid().nullable())
        .property("is_default", bool())
        .required("created_at", dateTime()));
  }

  private static JsonSchema runSummary() {
    return object()
        .required("run_id", uuid())
        .required("org_id", uuid())
        .required("thread_id", uuid())
        .required("status", enumOf(RUN_STATUSES))
        .property("model", string().nullable())
        .property("persona_id", string().nullable())
        .property("route_id", string().nullable())
        .property("total_input_tokens", integer().nullable())
        .property("total_output_tokens", integer().nullable())
        .property("total_cost_usd", number().nullable())
        .property("duration_ms", integer().nullable())
        .property("cache_hit_rate", number().nullable())
        .property("credits_used", number().nullable())
        .required("created_at", dateTime())
        .property("completed_at", dateTime().nullable())
        .property("failed_at", dateTime().nullable())
        .property("cancelled_at", dateTime().nullable())
        .property("trace_id", string().nullable())
        .property("error_class", string().nullable())
        .property("created_by_user_id", uuid().nullable())
        .property("created_by_user_name", string().nullable())
        .property("created_by_email", string().nullable())
        .property("next_cursor", string().description("Pass as `before` to get older runs"));
  }

  static JsonSchema anyArray() {
    return array(JsonSchema.any());
  }
}
