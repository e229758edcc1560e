package dev.arkloop.api.contract;

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

/** LLM providers and their models, speech-to-text credentials and transcription. */
final class ProviderContracts {
  private ProviderContracts() {}

  static void declare(ContractRegistry r) {
    llm(r);
    asr(r);
  }

  static JsonSchema scopeParameter() {
    return enumOf("org", "platform").defaultValue("org");
  }

  private static void llm(ContractRegistry r) {
    String base = "/v1/llm-providers";
    String provider = base + "/{provider_id}";
    String model = provider + "/models/{model_id}";
    String scopeText = "org: the caller's account; platform: the platform's (needs platform.admin)";
    JsonSchema money = number().nullable().with("minimum", 0);
    r.schema("LlmModel", object()
        .required("id", uuid()).required("provider_id", uuid()).required("model", string())
        .property("priority", integer()).property("is_default", bool()).property("tags", array(string()))
        .property("when", object().nullable()).property("advanced_json", object().nullable())
        .property("multiplier", number().nullable()).property("cost_per_1k_input", money)
        .property("cost_per_1k_output", money).property("cost_per_1k_cache_write", money)
        .property("cost_per_1k_cache_read", money).property("show_in_picker", bool())
        .property("created_at", dateTime()).property("updated_at", dateTime().nullable()));
    r.schema("LlmProvider", object()
        .required("id", uuid()).property("org_id", uuid().nullable()).required("scope", enumOf("org", "platform"))
        .required("provider", enumOf("openai", "anthropic")).required("name", string())
        .property("key_prefix", string().nullable().description("The first characters of the API key"))
        .property("base_url", string().nullable()).property("openai_api_mode", string().nullable())
        .property("advanced_json", object().nullable()).property("created_at", dateTime())
        .property("updated_at", dateTime().nullable()).property("models", array(ref("LlmModel"))));
    JsonSchema apiMode = enumOf("auto", "responses", "chat_completions");
    JsonSchema baseUrl = string().length(1, 2048).nullable().description("http(s) URL of the API; private addresses "
        + "are refused unless allowed by configuration");
    r.declare("GET", base, "LLM providers with their models")
        .query("scope", scopeParameter(), scopeText)
        .returns(array(ref("LlmProvider")));
    r.declare("POST", base, "Add an LLM provider (its API key is stored encrypted)")
        .query("scope", scopeParameter(), scopeText)
        .body(object().required("name", string().length(1, 100)).required("provider", enumOf("openai", "anthropic"))
            .required("api_key", string().length(1, 4096)).property("base_url", baseUrl)
            .property("openai_api_mode", apiMode.nullable()).property("advanced_json", object().nullable()))
        .returns(ref("LlmProvider"))
        .errors(409, "llm_providers.name_conflict")
        .errors(503, "encryption.not_configured");
    JsonSchema providerPatch = object().property("name", string().length(1, 100))
        .property("provider", enumOf("openai", "anthropic")).property("api_key", string().length(1, 4096))
        .property("base_url", baseUrl).property("openai_api_mode", apiMode.nullable())
        .property("advanced_json", object().nullable());
    for (String method : new String[] {"PATCH", "PUT"}) {
      r.declare(method, provider, method.equals("PATCH") ? "Change an LLM provider (omitted fields stay)"
              : "Same as PATCH")
          .query("scope", scopeParameter(), scopeText)
          .body(providerPatch).returns(ref("LlmProvider"))
          .errors(404, "llm_providers.not_found")
          .errors(409, "llm_providers.name_conflict")
          .errors(503, "encryption.not_configured");
    }
    r.declare("DELETE", provider, "Delete an LLM provider and its models")
        .query("scope", scopeParameter(), scopeText)
        .returns(ref("Ok")).errors(404, "llm_providers.not_found");
    JsonSchema cost = number().range(0, 1_000_000).nullable();
    JsonSchema modelFields = object().property("priority", integer()).property("is_default", bool())
        .property("show_in_picker", bool()).property("tags", array(string().length(1, 64)))
        .property("when", object().nullable()).property("advanced_json", object().nullable())
        .property("multiplier", number().range(0, 1000)).property("cost_per_1k_input", cost)
        .property("cost_per_1k_output", cost).property("cost_per_1k_cache_write", cost)
        .property("cost_per_1k_cache_read", cost);
    r.declare("POST", provider + "/models", "Add a model to an LLM provider")
        .operationId("llm_providers.models.create")
        .query("scope", scopeParameter(), scopeText)
        .body(modelFields.required("model", string().length(1, 200)))
        .returns(ref("LlmModel"))
        .errors(404, "llm_providers.not_found")
        .errors(409, "llm_provider_models.model_conflict");
    for (String method : new String[] {"PATCH", "PUT"}) {
      r.declare(method, model, method.equals("PATCH") ? "Change a model (omitted fields stay)" : "Same as PATCH")
          .query("scope", scopeParameter(), scopeText)
          .body(modelFields.property("model", string().length(1, 200)))
          .returns(ref("LlmModel"))
          .errors(404, "llm_providers.not_found", "llm_models.not_found")
          .errors(409, "llm_provider_models.model_conflict");
    }
    r.declare("DELETE", model, "Remove a model from an LLM provider")
        .query("scope", scopeParameter(), scopeText)
        .returns(ref("Ok")).errors(404, "llm_providers.not_found", "llm_models.not_found");
  }

  private static void asr(ContractRegistry r) {
    String base = "/v1/asr-credentials";
    String one = base + "/{credential_id}";
    String scopeText = "org: the caller's account; platform: the platform's (needs platform.admin)";
    JsonSchema provider = enumOf("openai", "groq");
    r.schema("AsrCredential", object()
        .required("id", uuid()).property("org_id", uuid().nullable()).required("scope", enumOf("org", "platform"))
        .required("provider", provider).required("name", string()).property("key_prefix", string().nullable())
        .property("base_url", string().nullable()).required("model", string()).required("is_default", bool())
        .property("created_at", dateTime()).property("updated_at", dateTime().nullable()));
    JsonSchema baseUrl = string().length(1, 2048).nullable();
    r.declare("GET", base, "Speech-to-text credentials (keys never shown)")
        .query("scope", scopeParameter(), scopeText)
        .returns(array(ref("AsrCredential")));
    r.declare("POST", base, "Add a speech-to-text credential")
        .query("scope", scopeParameter(), scopeText)
        .body(object().required("name", string().length(1, 200)).required("provider", provider)
            .required("api_key", string().length(1, 4096)).required("model", string().length(1, 200))
            .property("base_url", baseUrl).property("is_default", bool()))
        .returns(ref("AsrCredential"))
        .errors(409, "asr_credentials.name_conflict")
        .errors(503, "encryption.not_configured");
    JsonSchema patch = object().property("name", string().length(1, 200)).property("api_key", string().length(1, 4096))
        .property("model", string().length(1, 200)).property("base_url", baseUrl.description("null clears it"))
        .property("is_default", bool());
    for (String method : new String[] {"PUT", "PATCH"}) {
      r.declare(method, one, method.equals("PATCH") ? "Change a speech-to-text credential (omitted fields stay)"
              : "Same as PATCH")
          .query("scope", scopeParameter(), scopeText)
          .body(patch).returns(ref("AsrCredential"))
          .errors(404, "asr_credentials.not_found")
          .errors(409, "asr_credentials.name_conflict")
          .errors(503, "encryption.not_configured");
    }
    r.declare("DELETE", one, "Delete a speech-to-text credential")
        .query("scope", scopeParameter(), scopeText)
        .returns(ref("Ok")).errors(404, "asr_credentials.not_found");
    r.declare("POST", one + "/set-default", "Make a credential the one transcription uses")
        .query("scope", scopeParameter(), scopeText)
        .returns(ref("Ok")).errors(404, "asr_credentials.not_found");
    r.declare("POST", "/v1/asr/transcribe", "Transcribe an audio file with the account's default credential")
        .body("multipart/form-data", object()
            .required("file", string().format("binary").description("The audio, at most 25 MiB"))
            .property("language", string().description("Language code such as en or zh")))
        .returns(object().required("text", string()).property("language", string())
            .property("duration_s", number()))
        .errors(413, "validation.body_too_large")
        .errors(415, "validation.unsupported_media_type")
        .errors(422, "asr.not_configured")
        .errors(502, "asr.upstream_error")
        .errors(503, "encryption.not_configured");
  }
}
