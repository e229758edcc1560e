package dev.arkloop.worker.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One model call. {@code messages} use a neutral chat form: {@code {role: system|user|assistant|tool,
 * content, tool_calls?: [{id, name, arguments}], tool_call_id?, name?}}; {@code tools} are
 * {@code {name, description, parameters}} with a JSON schema.
 */
public record LlmRequest(String model, JsonArray messages, JsonArray tools, JsonObject options) {}
