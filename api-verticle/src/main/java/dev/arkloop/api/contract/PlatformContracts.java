package dev.arkloop.api.contract;

import static dev.arkloop.api.contract.JsonSchema.enumOf;
import static dev.arkloop.api.contract.JsonSchema.object;
import static dev.arkloop.api.contract.JsonSchema.string;

/** Probes, metrics and the contract documents themselves. */
final class PlatformContracts {
  private PlatformContracts() {}

  static void declare(ContractRegistry r) {
    r.declare("GET", "/healthz", "Liveness: the process answers")
        .operationId("health.live")
        .returns(object().required("status", enumOf("ok")));
    r.declare("GET", "/readyz", "Readiness: database, schema and Redis reachable")
        .operationId("health.ready")
        .returns(object().required("status", enumOf("ok")).property("schema_version", JsonSchema.any()))
        .respondsWith(503, "Not ready: the database, its schema or Redis does not answer",
            object().required("status", enumOf("unavailable")).property("reason", string()));
    r.declare("GET", "/v1/llm-providers/{provider_id}/available-models", "The upstream catalogue of a provider")
        .query("scope", JsonSchema.enumOf("org", "platform"), "platform needs platform.admin")
        .returns(object().required("models", JsonSchema.array(object().required("id", string())
            .property("name", string().nullable()).property("configured", JsonSchema.bool()))))
        .errors(404, "llm_providers.not_found")
        .errors(502, AsyncApiDocument.ERROR_CLASSES.stream().filter(c -> c.startsWith("provider."))
            .toArray(String[]::new))
        .errors(504, "provider.timeout");
    r.declare("GET", "/v1/openapi.json", "This OpenAPI 3.1 document")
        .operationId("contract.openapi")
        .returns(object().required("openapi", string()));
    r.declare("GET", "/v1/openapi.yaml", "This OpenAPI 3.1 document as YAML")
        .operationId("contract.openapi_yaml")
        .returns("application/yaml", string());
    r.declare("GET", "/v1/asyncapi.json", "The AsyncAPI 3 document of the run event stream")
        .operationId("contract.asyncapi")
        .returns(object().required("asyncapi", string()));
    r.declare("GET", "/docs", "The API reference, rendered from this document")
        .operationId("contract.docs")
        .returns("text/html", string())
        .errors(404, "not_found");
    r.declare("GET", "/docs/{asset}", "A file of the API reference viewer")
        .operationId("contract.docs_asset")
        .returns("application/octet-stream", string())
        .errors(404, "not_found");
  }
}
