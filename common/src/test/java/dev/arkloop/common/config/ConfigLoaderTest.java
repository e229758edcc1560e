package dev.arkloop.common.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @Test
  void defaultsDescribeAnEmbeddedSingleNode() {
    ArkloopConfig config = ConfigLoader.load(Map.of(), List.of());
    assertEquals(Role.ALL, config.role());
    assertFalse(config.cluster().enabled());
    assertEquals(new HostPort("127.0.0.1", 19001), config.http().listen());
    assertTrue(config.infra().embeddedDatabase());
    assertTrue(config.infra().embeddedRedis());
    assertEquals(1024 * 1024, config.http().maxBodyBytes());
    assertEquals(10_000, config.http().headerTimeoutMillis());
    assertEquals(30_000, config.http().bodyIdleTimeoutMillis());
    assertEquals(60_000, config.http().idleTimeoutMillis());
    assertEquals(256, config.http().maxConnectionsPerIp());
    assertEquals(new HostPort("127.0.0.1", 19091), config.http().metricsListen());
    assertEquals(Path.of("data").toAbsolutePath().normalize(), config.dataDir());
  }

  @Test
  void environmentOverridesDefaultsAndFlagsOverrideEnvironment() {
    ArkloopConfig config = ConfigLoader.load(
        Map.of("ARKLOOP_ROLE", "worker", "ARKLOOP_API_ADDR", "0.0.0.0:8080",
            "ARKLOOP_DATABASE_URL", "postgresql://u:p@db:5433/ark", "PATH", "/bin"),
        List.of("--role", "api", "--cluster", "--api-addr=127.0.0.1:9000"));
    assertEquals(Role.API, config.role());
    assertTrue(config.cluster().enabled());
    assertEquals(9000, config.http().listen().port());
    assertEquals("postgresql://u:p@db:5433/ark", config.infra().databaseUrl());
    assertFalse(config.infra().embeddedDatabase());
  }

  @Test
  void forwardingHeadersAreTrustedFromLoopbackOnlyWhenTheGatewayRunsInTheSameNode() {
    List<String> loopback = List.of("127.0.0.0/8", "::1/128");
    assertEquals(loopback, ConfigLoader.load(Map.of(), List.of()).http().trustedProxies());
    assertEquals(List.of(), ConfigLoader.load(Map.of("ARKLOOP_ROLE", "api"), List.of()).http().trustedProxies());
    assertEquals(List.of(), ConfigLoader.load(Map.of("ARKLOOP_GATEWAY_ADDR", ""), List.of()).http().trustedProxies());
    assertEquals(List.of("10.0.0.0/8", "192.0.2.7"), ConfigLoader.load(Map.of("ARKLOOP_ROLE", "api",
        "ARKLOOP_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.7"), List.of()).http().trustedProxies());
    assertEquals(List.of(), ConfigLoader.load(Map.of("ARKLOOP_TRUSTED_PROXIES", ""), List.of()).http().trustedProxies());
  }

  @Test
  void twoServersOfTheNodeCannotTakeOneSocket() {
    ConfigException metrics = assertThrows(ConfigException.class, () -> ConfigLoader.load(
        Map.of("ARKLOOP_API_ADDR", "127.0.0.1:19091"), List.of()));
    assertTrue(metrics.getMessage().startsWith("ARKLOOP_METRICS_ADDR (127.0.0.1:19091) takes the port of ARKLOOP_API_ADDR"),
        metrics.getMessage());
    ConfigException gateway = assertThrows(ConfigException.class, () -> ConfigLoader.load(
        Map.of("ARKLOOP_API_ADDR", "0.0.0.0:19000"), List.of()));
    assertTrue(gateway.getMessage().startsWith("ARKLOOP_GATEWAY_ADDR (127.0.0.1:19000) takes the port of ARKLOOP_API_ADDR"),
        gateway.getMessage());
    assertThrows(ConfigException.class, () -> ConfigLoader.load(Map.of("ARKLOOP_GATEWAY_ADDR", "nowhere"), List.of()));
    // only the servers this role runs, and port 0 (a free port each) never collides
    assertEquals(19000, ConfigLoader.load(Map.of("ARKLOOP_ROLE", "gateway", "ARKLOOP_API_ADDR", "127.0.0.1:19000"),
        List.of()).http().listen().port());
    ConfigLoader.load(Map.of("ARKLOOP_API_ADDR", "127.0.0.1:19001", "ARKLOOP_GATEWAY_ADDR", "",
        "ARKLOOP_METRICS_ADDR", "127.0.0.1:19000"), List.of());
    ConfigLoader.load(Map.of("ARKLOOP_API_ADDR", "127.0.0.1:0", "ARKLOOP_GATEWAY_ADDR", "127.0.0.1:0",
        "ARKLOOP_METRICS_ADDR", "127.0.0.1:0"), List.of());
    ConfigLoader.load(Map.of("ARKLOOP_API_ADDR", "127.0.0.2:19091"), List.of());
  }

  @Test
  void legacyListenVariableIsAnAlias() {
    ArkloopConfig config = ConfigLoader.load(Map.of("ARKLOOP_API_GO_ADDR", "127.0.0.1:7000"), List.of());
    assertEquals(7000, config.http().listen().port());
  }

  @Test
  void configFileSitsBetweenDefaultsAndEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("node.properties");
    Files.writeString(file, "ARKLOOP_DB_POOL_SIZE=7\nARKLOOP_ROLE=worker\n");
    ArkloopConfig config = ConfigLoader.load(Map.of("ARKLOOP_ROLE", "api"), List.of("--config", file.toString()));
    assertEquals(7, config.infra().dbPoolSize());
    assertEquals(Role.API, config.role());
  }

  @Test
  void clusterMembersAreAList() {
    ArkloopConfig config = ConfigLoader.load(
        Map.of("ARKLOOP_CLUSTER_MEMBERS", "10.0.0.1:5701, 10.0.0.2 ,"), List.of());
    assertEquals(List.of("10.0.0.1:5701", "10.0.0.2"), config.cluster().members());
  }

  @Test
  void emptyUrlMeansEmbedded() {
    ArkloopConfig config = ConfigLoader.load(Map.of("ARKLOOP_REDIS_URL", "  "), List.of());
    assertNull(config.infra().redisUrl());
  }

  @Test
  void mailIsOffUntilAHostAndSenderAreSet() {
    assertFalse(ConfigLoader.load(Map.of(), List.of()).mail().configured());
    ArkloopConfig config = ConfigLoader.load(Map.of("ARKLOOP_SMTP_HOST", "smtp.example.com",
        "ARKLOOP_SMTP_PORT", "465", "ARKLOOP_SMTP_TLS_MODE", "tls", "ARKLOOP_SMTP_PASS", "hunter22",
        "ARKLOOP_EMAIL_FROM", "no-reply@example.com"), List.of());
    assertTrue(config.mail().configured());
    assertEquals(465, config.mail().port());
    assertEquals("tls", config.mail().tlsMode());
    assertFalse(config.mail().toString().contains("hunter22"), "the password never reaches a log line");
    assertMessage("ARKLOOP_EMAIL_FROM", Map.of("ARKLOOP_SMTP_HOST", "smtp.example.com"), List.of());
    assertMessage("ARKLOOP_SMTP_TLS_MODE", Map.of("ARKLOOP_SMTP_TLS_MODE", "ssl"), List.of());
    assertMessage("ARKLOOP_SMTP_PORT", Map.of("ARKLOOP_SMTP_PORT", "0"), List.of());
  }

  @Test
  void badValuesNameTheVariable() {
    assertMessage("ARKLOOP_API_ADDR", Map.of("ARKLOOP_API_ADDR", "nonsense"), List.of());
    assertMessage("ARKLOOP_API_ADDR", Map.of("ARKLOOP_API_ADDR", "host:99999"), List.of());
    assertMessage("ARKLOOP_DB_POOL_SIZE", Map.of("ARKLOOP_DB_POOL_SIZE", "lots"), List.of());
    assertMessage("ARKLOOP_DB_POOL_SIZE", Map.of("ARKLOOP_DB_POOL_SIZE", "0"), List.of());
    assertMessage("ARKLOOP_ROLE", Map.of("ARKLOOP_ROLE", "boss"), List.of());
    assertMessage("ARKLOOP_TRUST_INCOMING_TRACE_ID", Map.of("ARKLOOP_TRUST_INCOMING_TRACE_ID", "maybe"), List.of());
    assertMessage("ARKLOOP_DATABASE_URL", Map.of("ARKLOOP_DATABASE_URL", "mysql://x"), List.of());
    assertMessage("--bogus", Map.of(), List.of("--bogus"));
    assertMessage("--role", Map.of(), List.of("--role"));
  }

  private static void assertMessage(String expected, Map<String, String> env, List<String> args) {
    ConfigException error = assertThrows(ConfigException.class, () -> ConfigLoader.load(env, args));
    assertTrue(error.getMessage().contains(expected), error.getMessage());
  }

  @Test
  void encryptionKeyMustBe64HexCharacters() {
    ConfigException error = assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("ARKLOOP_ENCRYPTION_KEY", "not-a-key"), List.of()));
    assertTrue(error.getMessage().startsWith("ARKLOOP_ENCRYPTION_KEY "), error.getMessage());
    assertFalse(error.getMessage().contains("not-a-key"), "the bad value may be a real key: never echo it");
    String key = "ab".repeat(32);
    assertEquals(key, ConfigLoader.load(Map.of("ARKLOOP_ENCRYPTION_KEY", key), List.of()).secrets().encryptionKey());
    assertNull(ConfigLoader.load(Map.of(), List.of()).secrets().encryptionKey());
  }

  @Test
  void llmSettingsHaveDefaultsAndProviderKeysComeFromTheirUsualVariables() {
    ArkloopConfig.Llm defaults = ConfigLoader.load(Map.of(), List.of()).llm();
    assertEquals(3, defaults.retryMaxAttempts());
    assertEquals(1000, defaults.retryBaseDelayMs());
    assertEquals(60_000, defaults.idleTimeoutMs());
    assertFalse(defaults.allowPrivateProviderUrls());
    assertFalse(defaults.openai().configured());

    ArkloopConfig.Llm llm = ConfigLoader.load(Map.of("OPENAI_API_KEY", "sk-env", "ANTHROPIC_BASE_URL",
        "http://127.0.0.1:9/x", "ARKLOOP_LLM_RETRY_MAX_ATTEMPTS", "5", "ARKLOOP_ALLOW_PRIVATE_PROVIDER_URLS", "1",
        "OTHER_API_KEY", "ignored"), List.of()).llm();
    assertEquals("sk-env", llm.openai().apiKey());
    assertFalse(llm.openai().toString().contains("sk-env"));
    assertEquals("http://127.0.0.1:9/x", llm.anthropic().baseUrl());
    assertEquals(5, llm.retryMaxAttempts());
    assertTrue(llm.allowPrivateProviderUrls());
    assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("ARKLOOP_LLM_RETRY_MAX_ATTEMPTS", "0"), List.of()));
  }
}
