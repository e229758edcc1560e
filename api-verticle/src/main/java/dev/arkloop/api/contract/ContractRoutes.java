package dev.arkloop.api.contract;

import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.RouteTable;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.StringReader;
import java.util.Map;
import java.util.Properties;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Serves the contract: {@code /v1/openapi.json} and {@code .yaml}, {@code /v1/asyncapi.json}, and,
 * unless turned off, the API reference at {@code /docs} (Swagger UI from its WebJar, no CDN). Mount
 * it after every other route: the document is built from the route table on first request.
 */
public final class ContractRoutes implements Resource {
  private static final String WEBJAR = "META-INF/resources/webjars/swagger-ui/";
  private static final Map<String, String> ASSETS = Map.of(
      "swagger-ui.css", "text/css; charset=utf-8",
      "swagger-ui-bundle.js", "text/javascript; charset=utf-8",
      "swagger-ui-standalone-preset.js", "text/javascript; charset=utf-8",
      "favicon-32x32.png", "image/png",
      "favicon-16x16.png", "image/png");
  private static final String PAGE = """
      <!DOCTYPE html>
      <html lang="en">
      <head>
        <meta charset="utf-8">
        <title>Arkloop API reference</title>
        <link rel="stylesheet" href="/docs/swagger-ui.css">
        <link rel="icon" type="image/png" href="/docs/favicon-32x32.png" sizes="32x32">
      </head>
      <body>
        <div id="swagger-ui"></div>
        <script src="/docs/swagger-ui-bundle.js"></script>
        <script src="/docs/swagger-ui-standalone-preset.js"></script>
        <script>
          window.ui = SwaggerUIBundle({
            url: "/v1/openapi.json",
            dom_id: "#swagger-ui",
            deepLinking: true,
            presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
            layout: "StandaloneLayout"
          });
        </script>
      </body>
      </html>
      """;

  private final Vertx vertx;
  private final RouteTable table;
  private final ContractRegistry contracts;
  private final boolean docsEnabled;
  private JsonObject openApi;
  private String openApiYaml;
  private JsonObject asyncApi;
  private Future<String> webjarVersion;

  public ContractRoutes(Vertx vertx, RouteTable table, ContractRegistry contracts, boolean docsEnabled) {
    this.vertx = vertx;
    this.table = table;
    this.contracts = contracts;
    this.docsEnabled = docsEnabled;
  }

  @Override
  public void mount(Routes routes) {
    routes.get("/v1/openapi.json").publicAccess().respond(ctx -> Future.succeededFuture(openApi()));
    routes.get("/v1/openapi.yaml").publicAccess().handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/yaml; charset=utf-8").end(openApiYaml()));
    routes.get("/v1/asyncapi.json").publicAccess().respond(ctx -> Future.succeededFuture(asyncApi()));
    if (docsEnabled) {
      routes.get("/docs").publicAccess().handler(ctx -> ctx.response()
          .putHeader("Content-Type", "text/html; charset=utf-8").end(PAGE));
      routes.get("/docs/:asset").publicAccess().handler(this::asset);
    }
  }

  /** The OpenAPI document, built once from the route table as mounted. */
  public synchronized JsonObject openApi() {
    if (openApi == null) {
      openApi = OpenApiDocument.build(table.entries(), contracts);
    }
    return openApi;
  }

  public synchronized JsonObject asyncApi() {
    if (asyncApi == null) {
      asyncApi = AsyncApiDocument.build();
    }
    return asyncApi;
  }

  private synchronized String openApiYaml() {
    if (openApiYaml == null) {
      DumperOptions options = new DumperOptions();
      options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
      options.setWidth(120);
      openApiYaml = new Yaml(options).dump(new JsonObject(openApi().encode()).getMap());
    }
    return openApiYaml;
  }

  private void asset(RoutingContext ctx) {
    String name = ctx.pathParam("asset");
    String type = ASSETS.get(name);
    if (type == null) {
      ctx.fail(new ApiException(404, "not_found", "no such file"));
      return;
    }
    version()
        .compose(version -> vertx.fileSystem().readFile(WEBJAR + version + "/" + name))
        .onSuccess(bytes -> ctx.response().putHeader("Content-Type", type)
            .putHeader("Cache-Control", "public, max-age=86400").end(bytes))
        .onFailure(ctx::fail);
  }

  /** The WebJar's version names its folder; read from its Maven metadata once. */
  private synchronized Future<String> version() {
    if (webjarVersion == null) {
      webjarVersion = vertx.fileSystem().readFile("META-INF/maven/org.webjars/swagger-ui/pom.properties")
          .map(ContractRoutes::versionOf);
    }
    return webjarVersion;
  }

  private static String versionOf(Buffer properties) {
    Properties parsed = new Properties();
    try {
      parsed.load(new StringReader(properties.toString()));
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
    return parsed.getProperty("version");
  }
}
