package dev.arkloop.api;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.config.ConfigLoader;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.db.Migrations;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.infra.Infrastructure;
import dev.arkloop.common.infra.NodeEndpoints;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes the OpenAPI document as a started API serves it, for build steps that need it as a file
 * (the generated client of the {@code contract-client} module): {@code ContractDocumentWriter
 * target/openapi.json}. Starts the API on throwaway embedded PostgreSQL and Redis, so the document
 * comes from the routes really mounted.
 */
public final class ContractDocumentWriter {
  private ContractDocumentWriter() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: ContractDocumentWriter <output file>");
    }
    Path output = Path.of(args[0]).toAbsolutePath();
    Path dataDir = Files.createTempDirectory("arkloop-contract");
    ArkloopConfig config = ConfigLoader.load(Map.of(
        "ARKLOOP_DATA_DIR", dataDir.toString(),
        "ARKLOOP_API_ADDR", "127.0.0.1:0",
        "ARKLOOP_API_INSTANCES", "1",
        "ARKLOOP_EMBEDDED_PG_PORT", "0",
        "ARKLOOP_EMBEDDED_REDIS_PORT", "0",
        "ARKLOOP_AUTH_JWT_SECRET", Ids.randomHex(32),
        "ARKLOOP_ENCRYPTION_KEY", SecretBox.generateKey()), List.of());
    try {
      write(config, output);
    } finally {
      deleteTree(dataDir);
    }
    System.out.println("wrote " + output);
  }

  private static void write(ArkloopConfig config, Path output) throws Exception {
    try (Infrastructure infrastructure = Infrastructure.start(config)) {
      String schemaVersion = new Migrations(infrastructure.database()).migrate();
      NodeEndpoints endpoints = new NodeEndpoints(infrastructure.database(), infrastructure.redisUrl(), schemaVersion);
      Vertx vertx = Vertx.vertx();
      try {
        ApiVerticle api = new ApiVerticle(config, endpoints);
        vertx.deployVerticle(api).await();
        var response = WebClient.create(vertx).get(api.actualPort(), "127.0.0.1", "/v1/openapi.json").send().await();
        if (response.statusCode() != 200) {
          throw new IllegalStateException("/v1/openapi.json answered " + response.statusCode());
        }
        Files.createDirectories(output.getParent());
        Files.writeString(output, response.bodyAsJsonObject().encodePrettily());
      } finally {
        vertx.close().await();
      }
    }
  }

  /** Best effort: a leftover temporary directory must not fail the build. */
  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (java.io.IOException e) {
      System.err.println("could not remove " + root + ": " + e);
    }
  }
}
