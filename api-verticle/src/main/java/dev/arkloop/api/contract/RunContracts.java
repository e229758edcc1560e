package dev.arkloop.api.contract;

import static dev.arkloop.api.contract.CommonSchemas.limit;
import static dev.arkloop.api.contract.JsonSchema.array;
import static dev.arkloop.api.contract.JsonSchema.enumOf;
import static dev.arkloop.api.contract.JsonSchema.integer;
import static dev.arkloop.api.contract.JsonSchema.object;
import static dev.arkloop.api.contract.JsonSchema.ref;
import static dev.arkloop.api.contract.JsonSchema.string;

/** Runs: creating, reading, cancelling, answering, retrying, and the event stream. */
final class RunContracts {
  private RunContracts() {}

  static void declare(ContractRegistry r) {
    // named, so generated clients get a type for each alternative of GET /v1/runs
    r.schema("RunList", array(ref("Run")).description("Runs, newest first"));
    r.schema("RunPage", object().required("data", array(ref("Run"))).required("total", integer().minimum(0))
        .description("A page of runs when `offset` is given"));
    JsonSchema option = string().length(1, 200);
    JsonSchema createOptions = object()
        .property("route_id", option.description("Model route"))
        .property("persona_id", option.description("persona_key@version or a bare key; the default if omitted"))
        .property("model", option.description("provider^model"))
        .property("reasoning_mode", option)
        .property("work_dir", option)
        .property("output_route_id", option)
        .property("output_model_key", option);
    r.schema("RunOptions", createOptions.description("How to run: route, persona, model; all optional"));
    JsonSchema idempotencyKey = string().length(1, 200);
    r.declare("POST", "/v1/threads/{thread_id}/runs", "Start a run of the agent on a thread")
        .description("Writes the run, its first event (`run.started`, seq 1) and its job in one transaction. "
            + "Follow it with `GET /v1/runs/{run_id}/events`. A repeated `Idempotency-Key` with the same "
            + "request answers the first run again.")
        .optionalBody(ref("RunOptions"))
        .header("Idempotency-Key", idempotencyKey, "Makes a retried request start one run only")
        .returns(ref("RunCreated"))
        .errors(402, "credits.exhausted")
        .errors(403, "auth.forbidden")
        .errors(404, "threads.not_found")
        .errors(409, "runs.thread_busy", "conflict")
        .errors(429, "rate_limit");
    r.declare("POST", "/v1/threads/{thread_id}/retry", "Run again from the thread's last user message")
        .description("Also answers as `POST /v1/threads/{thread_id}:retry`. Hides the last assistant message.")
        .optionalBody(ref("RunOptions"))
        .header("Idempotency-Key", idempotencyKey, "Makes a retried request start one run only")
        .returns(ref("RunCreated"))
        .errors(400, "runs.invalid_state")
        .errors(402, "credits.exhausted")
        .errors(404, "threads.not_found", "messages.not_found")
        .errors(409, "runs.thread_busy", "conflict")
        .errors(429, "rate_limit");
    r.declare("GET", "/v1/threads/{thread_id}/runs", "List a thread's runs, newest first")
        .query("limit", limit(200), "Page size")
        .returns(array(ref("RunOfThread")))
        .errors(404, "threads.not_found");
    r.declare("GET", "/v1/runs", "List the account's runs, newest first")
        .query("limit", limit(200), "Page size")
        .query("before", string(), "next_cursor of the last run of the previous page")
        .query("cursor", string(), "Alias of before")
        .query("status", enumOf(CommonSchemas.RUN_STATUSES), "Only runs in this status")
        .query("offset", integer().minimum(0), "Offset paging as the original clients use it: the answer is "
            + "then {data, total} and the filters run_id (prefix), thread_id, user_id, model, persona_id, since "
            + "and until apply")
        .returns(JsonSchema.oneOf(ref("RunList"), ref("RunPage")));
    r.declare("GET", "/v1/runs/{run_id}", "Get a run")
        .returns(ref("Run"))
        .errors(404, "runs.not_found");
    r.declare("POST", "/v1/runs/{run_id}/cancel", "Cancel a run (idempotent)")
        .description("Also answers as `POST /v1/runs/{run_id}:cancel`. The run ends with `run.cancelled`.")
        .optionalBody(object()
            .property("last_seen_seq", integer().minimum(0).description("Last seq the client showed"))
            .property("client_cancelled_at", JsonSchema.dateTime()))
        .returns(ref("Ok"))
        .errors(404, "runs.not_found");
    r.declare("POST", "/v1/runs/{run_id}/input", "Answer a run that waits for input")
        .body(object().required("content", string().with("minLength", 1)
            .description("At most 32768 bytes of UTF-8"))
            .property("request_id", string().description("The run.input_requested being answered")))
        .returns(ref("Ok"))
        .errors(404, "runs.not_found")
        .errors(409, "runs.not_active", "runs.input_request_mismatch");
    r.declare("GET", "/v1/runs/{run_id}/events", "Stream a run's events (Server-Sent Events)")
        .operationId("runs.events.stream")
        .description("Replays the events with `seq > after_seq`, then follows live until the run ends. "
            + "Each frame is `id: <seq>` and `data: <event JSON>`; `: ping` comments keep the connection "
            + "alive. The event types and payloads are in the AsyncAPI document at `/v1/asyncapi.json`.")
        .query("after_seq", integer().minimum(0).defaultValue(0), "Only events after this seq")
        .query("follow", enumOf("true", "false", "1", "0").defaultValue("true"),
            "false: replay what exists, then close")
        .header("Last-Event-ID", string().pattern("^[0-9]+$"), "Same as after_seq when after_seq is absent")
        .returns("text/event-stream", string().description("SSE frames; see /v1/asyncapi.json"))
        .errors(404, "runs.not_found");
  }
}
