package dev.arkloop.launcher;

import ch.qos.logback.classic.LoggerContext;
import dev.arkloop.api.ApiVerticle;
import dev.arkloop.api.gateway.GatewaySettings;
import dev.arkloop.api.gateway.GatewayVerticle;
import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.config.ConfigException;
import dev.arkloop.common.config.ConfigLoader;
import dev.arkloop.common.crypto.SecretBox;
import dev.arkloop.common.crypto.SecretFiles;
import dev.arkloop.common.crypto.Tokens;
import dev.arkloop.common.db.Migrations;
import dev.arkloop.common.ids.Ids;
import dev.arkloop.common.infra.Infrastructure;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.metrics.MetricsServer;
import dev.arkloop.common.vertx.VertxFactory;
import dev.arkloop.worker.RunWorkerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Starts one node: loads the configuration, starts or connects to PostgreSQL and Redis, applies
 * migrations, creates Vert.x (clustered or not) and deploys the verticles of the node's role.
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    System.setProperty("vertx.logger-delegate-factory-class-name", "io.vertx.core.logging.SLF4JLogDelegateFactory");
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
    ArkloopConfig config;
    try {
      config = withGeneratedSecrets(ConfigLoader.load(System.getenv(), List.of(args)));
    } catch (ConfigException e) {
      System.err.println("arkloop: configuration error: " + e.getMessage());
      System.exit(2);
      return;
    }
    try {
      Node node = Node.start(config);
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        node.stop();
        flushLogs();
      }, "arkloop-shutdown"));
      System.out.println("Arkloop ready: " + node.describe());
    } catch (RuntimeException e) {
      LOG.error("startup failed", e);
      System.err.println("arkloop: startup failed: " + e.getMessage());
      flushLogs();
      System.exit(1);
    }
  }

  /**
   * Log lines are written by an asynchronous appender; stopping the logging context writes the
   * queued ones. It runs after the node's last line, which logback's own shutdown hook (running
   * beside ours) could not promise.
   */
  private static void flushLogs() {
    if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging) {
      logging.stop();
    }
  }

  /**
   * The embedded single node has no operator to hand it secrets: it generates them once and keeps
   * them in the data directory (the JWT secret, and the key that encrypts provider keys at rest). With
   * an external database, nodes must share them, so they are required.
   */
  static ArkloopConfig withGeneratedSecrets(ArkloopConfig config) {
    ArkloopConfig result = config;
    if (config.auth().jwtSecret() == null) {
      String secret = generated(config, "ARKLOOP_AUTH_JWT_SECRET", "jwt-secret", () -> Tokens.random(48));
      result = result.withAuth(config.auth().withJwtSecret(secret));
    }
    if (config.secrets().encryptionKey() == null) {
      String key = generated(config, "ARKLOOP_ENCRYPTION_KEY", "encryption-key", SecretBox::generateKey);
      result = result.withSecrets(config.secrets().withEncryptionKey(key));
    }
    return result;
  }

  private static String generated(ArkloopConfig config, String variable, String file,
      java.util.function.Supplier<String> generator) {
    if (!config.infra().embeddedDatabase()) {
      throw new ConfigException(variable + " is required when ARKLOOP_DATABASE_URL is set");
    }
    return SecretFiles.ensure(config.dataDir(), file, generator);
  }

  /** A started node and what it owns. */
  record Node(ArkloopConfig config, Infrastructure infrastructure, Vertx vertx, Integer apiPort, Integer metricsPort) {

    static Node start(ArkloopConfig config) {
      Infrastructure infrastructure = Infrastructure.start(config);
      try {
        String schemaVersion = new Migrations(infrastructure.database()).migrate();
        NodeEndpoints endpoints = new NodeEndpoints(infrastructure.database(), infrastructure.redisUrl(), schemaVersion);
        Vertx vertx = VertxFactory.create(config).await(60, TimeUnit.SECONDS);
        Integer apiPort = null;
        if (config.role().runsApi()) {
          int instances = config.http().instances() == 0
              ? Runtime.getRuntime().availableProcessors() : config.http().instances();
          vertx.deployVerticle(() -> new ApiVerticle(config, endpoints), new DeploymentOptions().setInstances(instances))
              .await(60, TimeUnit.SECONDS);
          apiPort = config.http().listen().port();
        }
        GatewaySettings gateway = GatewaySettings.fromEnvironment(System.getenv(), config.http().listen());
        if (config.role().runsGateway() && gateway.listen() != null) {
          vertx.deployVerticle(new GatewayVerticle(config, endpoints, gateway)).await(60, TimeUnit.SECONDS);
        } else if (config.role() == dev.arkloop.common.config.Role.GATEWAY) {
          throw new IllegalStateException("--role gateway needs ARKLOOP_GATEWAY_ADDR");
        }
        // after the gateway: contexts take event loops in turn, and deployed before it the worker landed
        // on the gateway's loop, where every SSE chunk through the gateway waited behind the runs' work
        if (config.role().runsWorker()) {
          vertx.deployVerticle(new RunWorkerVerticle(config, endpoints)).await(60, TimeUnit.SECONDS);
        }
        return new Node(config, infrastructure, vertx, apiPort, startMetrics(vertx, config));
      } catch (Exception e) {
        infrastructure.close();
        throw e instanceof RuntimeException r ? r : new IllegalStateException(e.getMessage(), e);
      }
    }

    /**
     * The management server of {@code /metrics}. A port already taken (two nodes on one host with the
     * default address) costs the metrics only, never the node: logged and carried on without them.
     */
    static Integer startMetrics(Vertx vertx, ArkloopConfig config) {
      if (config.http().metricsListen() == null) {
        return null;
      }
      try {
        return MetricsServer.start(vertx, config.http().metricsListen(), config.http().metricsToken())
            .await(30, TimeUnit.SECONDS).actualPort();
      } catch (Exception e) {
        LOG.warn("metrics not served: cannot listen on {} ({}); set ARKLOOP_METRICS_ADDR to a free address",
            config.http().metricsListen(), e.getMessage());
        return null;
      }
    }

    String describe() {
      String where = apiPort == null ? "no HTTP API" : "http://" + config.http().listen();
      where += metricsPort == null ? ", no metrics" : ", metrics on http://" + config.http().metricsListen().host()
          + ":" + metricsPort + "/metrics";
      return where + " [role: " + config.role().label() + ", cluster: " + config.cluster().enabled()
          + ", database: " + infrastructure.database().redacted() + "]";
    }

    void stop() {
      LOG.info("shutting down");
      try {
        vertx.close().await(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        LOG.warn("Vert.x did not close cleanly: {}", e.toString());
      }
      infrastructure.close();
      LOG.info("stopped");
    }
  }
}
