package dev.arkloop.api.contract;

import static dev.arkloop.api.contract.CommonSchemas.limit;
import static dev.arkloop.api.contract.JsonSchema.array;
import static dev.arkloop.api.contract.JsonSchema.bool;
import static dev.arkloop.api.contract.JsonSchema.object;
import static dev.arkloop.api.contract.JsonSchema.ref;
import static dev.arkloop.api.contract.JsonSchema.string;
import static dev.arkloop.api.contract.JsonSchema.uuid;

/** Threads and their messages. */
final class ThreadContracts {
  private static final String NEXT = "Cursor of the next (older) page; absent on the last page";

  private ThreadContracts() {}

  static void declare(ContractRegistry r) {
    r.declare("POST", "/v1/threads", "Create a thread")
        .optionalBody(object()
            .property("title", string().length(0, 200).nullable())
            .property("is_private", bool().defaultValue(false).description("Visible to its creator only"))
            .property("project_id", uuid().nullable().description("A project of the same account")))
        .returns(ref("Thread"));
    r.declare("GET", "/v1/threads", "List the caller's threads, most recently active first")
        .query("limit", limit(200), "Page size")
        .query("before", string(), "Cursor from X-Next-Cursor")
        .query("cursor", string(), "Alias of before")
        .query("before_updated_at", JsonSchema.dateTime(), "With before_id, an explicit cursor")
        .query("before_id", uuid(), "With before_updated_at, an explicit cursor")
        .query("project_id", uuid(), "Only threads of this project")
        .returns(array(ref("Thread")))
        .responseHeader("X-Next-Cursor", NEXT)
        .errors(404, "projects.not_found");
    r.declare("GET", "/v1/threads/search", "Search thread titles")
        .operationId("threads.search")
        .requiredQuery("q", string().length(1, 200), "Text to find in titles")
        .query("limit", limit(200), "Page size")
        .returns(array(ref("Thread")));
    r.declare("GET", "/v1/threads/starred", "Ids of the caller's starred threads")
        .operationId("threads.starred.list")
        .returns(array(uuid()));
    r.declare("GET", "/v1/threads/{thread_id}", "Get a thread")
        .returns(ref("Thread"))
        .errors(404, "threads.not_found");
    JsonSchema patch = object()
        .property("title", string().length(0, 200).nullable().description("null clears the title"))
        .property("project_id", uuid().nullable().description("null detaches the thread from its project"));
    r.declare("PATCH", "/v1/threads/{thread_id}", "Change a thread's title or project (omitted fields stay)")
        .body(patch).returns(ref("Thread")).errors(404, "threads.not_found");
    r.declare("PUT", "/v1/threads/{thread_id}", "Same as PATCH")
        .body(patch).returns(ref("Thread")).errors(404, "threads.not_found");
    r.declare("DELETE", "/v1/threads/{thread_id}", "Delete a thread").errors(404, "threads.not_found");
    r.declare("POST", "/v1/threads/{thread_id}/star", "Star a thread (idempotent)")
        .errors(404, "threads.not_found");
    r.declare("DELETE", "/v1/threads/{thread_id}/star", "Unstar a thread (idempotent)")
        .operationId("threads.unstar")
        .errors(404, "threads.not_found");

    r.declare("POST", "/v1/threads/{thread_id}/messages", "Post a user message to a thread")
        .description("Does not start the agent: create a run next.")
        .body(object()
            .required("content", string().length(1, 20_000))
            .property("content_json", object().nullable().description("Structured parts, attachments")))
        .returns(ref("Message"))
        .errors(404, "threads.not_found");
    r.declare("GET", "/v1/threads/{thread_id}/messages", "List a thread's messages, oldest first")
        .query("limit", limit(500), "Page size")
        .query("after", uuid(), "Id of the last message already read")
        .returns(array(ref("Message")))
        .responseHeader("X-Next-Cursor", NEXT)
        .errors(404, "threads.not_found");
  }
}
