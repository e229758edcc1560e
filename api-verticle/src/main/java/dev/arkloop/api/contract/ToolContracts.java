package dev.arkloop.api.contract;

import static dev.arkloop.api.contract.JsonSchema.array;
import static dev.arkloop.api.contract.JsonSchema.bool;
import static dev.arkloop.api.contract.JsonSchema.dateTime;
import static dev.arkloop.api.contract.JsonSchema.enumOf;
import static dev.arkloop.api.contract.JsonSchema.integer;
import static dev.arkloop.api.contract.JsonSchema.mapOf;
import static dev.arkloop.api.contract.JsonSchema.object;
import static dev.arkloop.api.contract.JsonSchema.ref;
import static dev.arkloop.api.contract.JsonSchema.string;
import static dev.arkloop.api.contract.JsonSchema.uuid;

/** Personas, tool providers and MCP server configurations. */
final class ToolContracts {
  private ToolContracts() {}

  static void declare(ContractRegistry r) {
    personas(r);
    toolProviders(r);
    mcp(r);
  }

  private static void personas(ContractRegistry r) {
    String scopeText = "org: the caller's account (default); platform: the platform layer (needs platform.admin)";
    r.schema("Persona", object()
        .description("An effective persona: its spec (prompt, model, tools, budgets…) with its identity")
        .property("id", uuid().nullable()).property("persona_key", string()).property("version", string())
        .property("scope", string()).property("is_active", bool()));
    JsonSchema fields = object()
        .property("display_name", string().length(1, 200)).property("description", string().length(0, 2000).nullable())
        .property("prompt_md", string()).property("model", string().length(3, 400).nullable())
        .property("reasoning_mode", string()).property("executor_type", string())
        .property("stream_thinking", bool()).property("user_selectable", bool())
        .property("selector_order", integer().nullable())
        .property("tool_allowlist", array(string())).property("tool_denylist", array(string()))
        .property("budgets", object().nullable()).property("is_active", bool())
        .description("Persona fields; omitted ones keep their value (or the copied persona's)");
    r.declare("GET", "/v1/personas", "Personas of a layer")
        .query("scope", ProviderContracts.scopeParameter(), scopeText)
        .returns(array(ref("Persona")));
    r.declare("POST", "/v1/personas", "Create a persona, optionally as a copy of a built-in one")
        .query("scope", ProviderContracts.scopeParameter(), scopeText)
        .body(fields
            .required("persona_key", string().length(1, 100).description("Lowercase letters, digits, '_' or '-'"))
            .required("version", string().length(1, 50).pattern("^[A-Za-z0-9_.-]+$"))
            .property("copy_from_repo_persona_key", string().description("A built-in persona to start from")))
        .returns(ref("Persona"))
        .errors(409, "personas.persona_key_conflict");
    for (String method : new String[] {"PATCH", "PUT"}) {
      r.declare(method, "/v1/personas/{persona_id}", method.equals("PATCH")
              ? "Change a persona (omitted fields stay)" : "Same as PATCH")
          .query("scope", ProviderContracts.scopeParameter(), scopeText)
          .body(fields).returns(ref("Persona"))
          .errors(403, "personas.system_protected")
          .errors(404, "personas.not_found");
    }
    r.declare("DELETE", "/v1/personas/{persona_id}", "Delete a persona")
        .query("scope", ProviderContracts.scopeParameter(), scopeText)
        .returns(ref("Ok"))
        .errors(403, "personas.system_protected")
        .errors(404, "personas.not_found");
  }

  private static void toolProviders(ContractRegistry r) {
    String scopeText = "org: the caller's account (needs secrets.manage); platform: the platform's (needs "
        + "platform.admin)";
    r.declare("GET", "/v1/tool-providers", "Tool providers by group, with whether each is active and configured")
        .query("scope", ProviderContracts.scopeParameter(), scopeText)
        .returns(object().required("groups", array(object().required("group_name", string())
            .required("providers", array(object().required("group_name", string()).required("provider_name", string())
                .required("is_active", bool()).property("key_prefix", string().nullable())
                .property("base_url", string().nullable()).property("requires_api_key", bool())
                .property("requires_base_url", bool()).property("configured", bool()))))));
    String path = "/v1/tool-providers/{group}/{provider}/";
    r.declare("PUT", path + "activate", "Make a provider the active one of its group")
        .operationId("tool_providers.activate")
        .query("scope", ProviderContracts.scopeParameter(), scopeText)
        .errors(404, "tool_providers.not_found");
    r.declare("PUT", path + "deactivate", "Deactivate a provider")
        .operationId("tool_providers.deactivate")
        .query("scope", ProviderContracts.scopeParameter(), scopeText)
        .errors(404, "tool_providers.not_found");
    r.declare("PUT", path + "credential", "Store a provider's API key and/or base URL (encrypted)")
        .operationId("tool_providers.credential.put")
        .query("scope", ProviderContracts.scopeParameter(), scopeText)
        .body(object().property("api_key", string().length(1, 4096)).property("base_url", string().length(1, 2048)))
        .errors(404, "tool_providers.not_found")
        .errors(422, "validation.error")
        .errors(503, "secrets.not_configured");
    r.declare("DELETE", path + "credential", "Remove a provider's stored credential")
        .operationId("tool_providers.credential.delete")
        .query("scope", ProviderContracts.scopeParameter(), scopeText)
        .errors(404, "tool_providers.not_found");
  }

  private static void mcp(ContractRegistry r) {
    JsonSchema transport = enumOf("stdio", "http_sse", "streamable_http");
    r.schema("McpConfig", object()
        .required("id", uuid()).required("org_id", uuid()).required("name", string()).required("transport", transport)
        .property("url", string().nullable()).property("command", string().nullable())
        .property("args", array(string()).nullable()).property("cwd", string().nullable())
        .property("inherit_parent_env", bool()).property("call_timeout_ms", integer().nullable())
        .property("has_auth", bool().description("Whether a bearer token is stored")).required("is_active", bool())
        .property("created_at", dateTime()).property("updated_at", dateTime().nullable()));
    JsonSchema name = string().length(1, 64).pattern("^[A-Za-z0-9_-]+$").description("No '__'");
    JsonSchema url = string().length(1, 2048).description("http(s) URL; required for the http transports");
    JsonSchema timeout = integer().range(100, 600_000);
    r.declare("POST", "/v1/mcp-configs", "Add an MCP server configuration")
        .description("stdio servers need a platform admin and a command on the server's allow list.")
        .body(object().required("name", name).required("transport", transport).property("url", url)
            .property("command", string().length(1, 1000)).property("args", array(string()))
            .property("cwd", string().length(1, 1000)).property("inherit_parent_env", bool())
            .property("env", mapOf(string()).description("Environment of a stdio server (stored encrypted)"))
            .property("bearer_token", string().description("Sent as Authorization (stored encrypted)"))
            .property("call_timeout_ms", timeout))
        .returns(ref("McpConfig"))
        .errors(409, "mcp_configs.name_conflict")
        .errors(503, "secrets.not_configured");
    r.declare("GET", "/v1/mcp-configs", "The account's MCP server configurations")
        .query("scope", ProviderContracts.scopeParameter(), "Accepted for symmetry; the configs are the account's")
        .returns(array(ref("McpConfig")));
    String one = "/v1/mcp-configs/{config_id}";
    r.declare("GET", one, "Get an MCP server configuration")
        .returns(ref("McpConfig")).errors(404, "mcp_configs.not_found");
    JsonSchema patch = object().property("name", name).property("url", url.nullable())
        .property("bearer_token", string().nullable().description("null removes it"))
        .property("call_timeout_ms", timeout).property("is_active", bool());
    for (String method : new String[] {"PATCH", "PUT"}) {
      r.declare(method, one, method.equals("PATCH") ? "Change an MCP server configuration (omitted fields stay)"
              : "Same as PATCH")
          .body(patch).returns(ref("McpConfig"))
          .errors(404, "mcp_configs.not_found")
          .errors(409, "mcp_configs.name_conflict")
          .errors(503, "secrets.not_configured");
    }
    r.declare("DELETE", one, "Delete an MCP server configuration")
        .returns(ref("Ok")).errors(404, "mcp_configs.not_found");
  }
}
