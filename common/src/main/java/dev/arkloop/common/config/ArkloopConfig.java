package dev.arkloop.common.config;

import java.nio.file.Path;
import java.util.List;

/**
 * The whole configuration of one node, immutable and validated. Built once by {@link ConfigLoader}
 * and passed through constructors.
 */
public record ArkloopConfig(
    Role role,
    Path dataDir,
    Http http,
    Infra infra,
    Cluster cluster,
    Auth auth,
    Worker worker,
    Runs runs,
    Mail mail,
    Secrets secrets,
    Llm llm,
    Tools tools,
    Webhooks webhooks,
    Billing billing) {

  /**
   * HTTP API settings. {@code workspaceMaxFileBytes} bounds a workspace file upload (not a JSON body).
   * The timeouts and the per-address connection cap ({@code 0} = none) protect against slow or greedy
   * clients; {@code metricsListen} is the management address of {@code /metrics} (null = not served),
   * {@code metricsToken} the bearer token it then requires (null = none). {@code trustedProxies} are the
   * CIDRs (the gateway's) whose {@code X-Forwarded-*} / {@code X-Real-IP} headers the API believes.
   */
  public record Http(
      HostPort listen,
      int instances,
      int eventLoops,
      int maxBodyBytes,
      boolean trustIncomingTraceId,
      List<String> trustedProxies,
      int workspaceMaxFileBytes,
      int headerTimeoutMillis,
      int bodyIdleTimeoutMillis,
      int idleTimeoutMillis,
      int maxConnectionsPerIp,
      HostPort metricsListen,
      String metricsToken,
      boolean docsEnabled) {}

  /** PostgreSQL and Redis: external by URL, embedded when the URL is empty. */
  public record Infra(
      String databaseUrl,
      String redisUrl,
      int embeddedPgPort,
      int embeddedRedisPort,
      int dbPoolSize,
      String redisKeyPrefix) {

    public boolean embeddedDatabase() {
      return databaseUrl == null;
    }

    public boolean embeddedRedis() {
      return redisUrl == null;
    }

    public Infra withUrls(String databaseUrl, String redisUrl) {
      return new Infra(databaseUrl, redisUrl, embeddedPgPort, embeddedRedisPort, dbPoolSize, redisKeyPrefix);
    }
  }

  /** Sign-in, tokens and request protection. */
  public record Auth(
      String jwtSecret,
      int accessTokenTtlSeconds,
      int refreshTokenTtlSeconds,
      boolean cookieSecure,
      String registrationMode,
      String bootstrapPlatformAdmin,
      int passwordMinLength,
      int requestsPerMinute,
      int authRequestsPerMinute,
      int loginFailuresBeforeLockout,
      Turnstile turnstile) {

    public Auth withJwtSecret(String secret) {
      return new Auth(secret, accessTokenTtlSeconds, refreshTokenTtlSeconds, cookieSecure, registrationMode,
          bootstrapPlatformAdmin, passwordMinLength, requestsPerMinute, authRequestsPerMinute,
          loginFailuresBeforeLockout, turnstile);
    }
  }

  /** Cloudflare Turnstile: on when a secret key is set. */
  public record Turnstile(String secretKey, String siteKey, String allowedHost, String verifyUrl) {
    public boolean enabled() {
      return secretKey != null;
    }
  }

  /** The job-running side of a node. */
  public record Worker(
      int concurrency,
      int pollMillis,
      int leaseSeconds,
      int heartbeatSeconds,
      java.util.List<String> jobTypes) {

    /** Whether this worker consumes jobs of {@code type} ({@code ARKLOOP_WORKER_QUEUE_JOB_TYPES}, empty = all). */
    public boolean consumes(String type) {
      return jobTypes.isEmpty() || jobTypes.contains(type);
    }
  }

  /** Runs: limits, timeouts, the SSE stream and the built-in stub model. */
  public record Runs(
      int maxConcurrentPerAccount,
      long timeoutMillis,
      int maxAttempts,
      int sseHeartbeatSeconds,
      int sseBatchLimit,
      int stubTokenDelayMs) {}

  /**
   * Outgoing mail over SMTP (verification links, sign-in codes). Configured when a host and a sender
   * are set; {@code tlsMode} is {@code none}, {@code starttls} or {@code tls}.
   */
  public record Mail(String host, int port, String user, String password, String tlsMode, String from,
      String appBaseUrl) {

    public boolean configured() {
      return host != null && from != null;
    }

    /** Never the password: this is what may be shown or logged. */
    @Override
    public String toString() {
      return "Mail[host=" + host + ", port=" + port + ", user=" + user + ", tlsMode=" + tlsMode + ", from=" + from
          + "]";
    }
  }

  /** Key material for secrets at rest: AES-256-GCM key as 64 hex characters, null until generated or given. */
  public record Secrets(String encryptionKey) {
    public Secrets withEncryptionKey(String key) {
      return new Secrets(key);
    }

    @Override
    public String toString() {
      return "Secrets[encryptionKey=" + (encryptionKey == null ? "unset" : "***") + "]";
    }
  }

  /**
   * LLM calls: retry policy, HTTP timeouts, whether provider URLs may point at private addresses, and
   * the providers given by environment ({@code OPENAI_API_KEY}, {@code ANTHROPIC_API_KEY}).
   */
  public record Llm(
      int retryMaxAttempts,
      int retryBaseDelayMs,
      int connectTimeoutMs,
      int firstByteTimeoutMs,
      int idleTimeoutMs,
      boolean allowPrivateProviderUrls,
      EnvProvider openai,
      EnvProvider anthropic) {}

  /** A provider configured by environment variables; {@code apiKey} null when not configured. */
  public record EnvProvider(String apiKey, String baseUrl, String model) {
    public boolean configured() {
      return apiKey != null;
    }

    @Override
    public String toString() {
      return "EnvProvider[apiKey=" + (apiKey == null ? "unset" : "***") + ", baseUrl=" + baseUrl + ", model=" + model
          + "]";
    }
  }

  /**
   * Personas and tools: the persona a run gets when it names none, web tool limits and whether they
   * may reach private addresses, cache lifetimes of tool providers and MCP discovery, and how long a
   * tool approval may stay unanswered before it counts as denied.
   */
  public record Tools(
      String defaultPersona,
      boolean allowPrivateNetwork,
      int webFetchMaxBytes,
      int webFetchTimeoutMs,
      int providerCacheTtlSeconds,
      int mcpCacheTtlSeconds,
      boolean mcpStdioEnabled,
      List<String> mcpStdioCommands,
      int approvalTimeoutSeconds) {

    /** Whether a stdio MCP server may run {@code command}: stdio is on and the command is listed as is. */
    public boolean stdioCommandAllowed(String command) {
      return mcpStdioEnabled && command != null && mcpStdioCommands.contains(command);
    }
  }

  /**
   * Webhook delivery: whether endpoint URLs may reach private addresses, the retry schedule (base
   * delay in milliseconds, doubling) and attempt limit, and the time limit of one attempt.
   */
  public record Webhooks(boolean allowPrivate, int retryBaseMillis, int maxAttempts, int timeoutMillis) {}

  /**
   * Credits and entitlements: grants, the credits a USD of run cost is worth, how often the monthly
   * grant is looked for, and the platform default of every entitlement key (as its string value).
   */
  public record Billing(
      long initialGrant,
      long inviteReward,
      long inviteeReward,
      long creditsPerUsd,
      boolean metering,
      long lowCreditsThreshold,
      double stubCostPer1kTokens,
      int monthlyGrantCheckSeconds,
      java.util.Map<String, String> entitlementDefaults) {}

  /** The Hazelcast-clustered event bus. */
  public record Cluster(boolean enabled, String host, int port, List<String> members) {}

  public ArkloopConfig withInfra(Infra infra) {
    return new ArkloopConfig(role, dataDir, http, infra, cluster, auth, worker, runs, mail, secrets, llm, tools, webhooks, billing);
  }

  public ArkloopConfig withAuth(Auth auth) {
    return new ArkloopConfig(role, dataDir, http, infra, cluster, auth, worker, runs, mail, secrets, llm, tools, webhooks, billing);
  }

  public ArkloopConfig withSecrets(Secrets secrets) {
    return new ArkloopConfig(role, dataDir, http, infra, cluster, auth, worker, runs, mail, secrets, llm, tools, webhooks, billing);
  }
}
