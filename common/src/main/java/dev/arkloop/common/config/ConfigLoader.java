package dev.arkloop.common.config;

import dev.arkloop.common.crypto.SecretBox;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Builds {@link ArkloopConfig} from, in increasing precedence: {@code conf/arkloop.properties} on the
 * classpath, an optional {@code --config FILE}, {@code ARKLOOP_*} environment variables, and flags.
 */
public final class ConfigLoader {
  /** Where the gateway listens when {@code ARKLOOP_GATEWAY_ADDR} is not set. */
  public static final String DEFAULT_GATEWAY_ADDR = "127.0.0.1:19000";

  public static final String DEFAULTS_RESOURCE = "conf/arkloop.properties";
  /** The variables the official SDKs read: honoured so a node with them set talks to that provider. */
  private static final List<String> PROVIDER_ENV = List.of("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY",
      "ANTHROPIC_BASE_URL");

  private ConfigLoader() {}

  public static ArkloopConfig load(Map<String, String> env, List<String> args) {
    Map<String, String> values = new HashMap<>(defaults());
    Map<String, String> flags = parseFlags(args);
    String configFile = flags.remove("--config");
    if (configFile != null) {
      values.putAll(readFile(Path.of(configFile)));
    }
    env.forEach((key, value) -> {
      if (key.startsWith("ARKLOOP_") || PROVIDER_ENV.contains(key)) {
        values.put(key, value);
      }
    });
    if (env.containsKey("ARKLOOP_API_GO_ADDR") && !env.containsKey("ARKLOOP_API_ADDR")) {
      values.put("ARKLOOP_API_ADDR", env.get("ARKLOOP_API_GO_ADDR"));
    }
    flags.forEach((flag, value) -> values.put(flagVariable(flag), value));
    return build(new Settings(values));
  }

  /**
   * {@code ARKLOOP_TRUSTED_PROXIES}; unset, it is loopback when this node also runs the gateway (which
   * reaches the API over loopback), else nobody. Set empty, it is nobody.
   */
  private static List<String> trustedProxies(Settings s) {
    if (s.present("ARKLOOP_TRUSTED_PROXIES")) {
      return s.list("ARKLOOP_TRUSTED_PROXIES");
    }
    boolean gatewayHere = s.parsed("ARKLOOP_ROLE", Role::parse).runsGateway() && gatewayAddress(s) != null;
    return gatewayHere ? List.of("127.0.0.0/8", "::1/128") : List.of();
  }

  /** The gateway's address: the default when unset, null when set empty (switched off). */
  private static String gatewayAddress(Settings s) {
    return s.present("ARKLOOP_GATEWAY_ADDR") ? s.optional("ARKLOOP_GATEWAY_ADDR") : DEFAULT_GATEWAY_ADDR;
  }

  /**
   * Refuses two servers of this process on one socket. Vert.x does not fail the second listen: it
   * shares the port and hands each new connection to the servers in turn, so a client of the API
   * would get the metrics server's 404 on some of its connections.
   */
  private static void requireSeparateListeners(Settings s, Role role, ArkloopConfig.Http http) {
    Map<String, HostPort> listeners = new LinkedHashMap<>();
    if (role.runsApi()) {
      listeners.put("ARKLOOP_API_ADDR", http.listen());
    }
    String gateway = gatewayAddress(s);
    if (role.runsGateway() && gateway != null) {
      try {
        listeners.put("ARKLOOP_GATEWAY_ADDR", HostPort.parse(gateway));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("ARKLOOP_GATEWAY_ADDR " + e.getMessage() + ", got '" + gateway + "'");
      }
    }
    if (http.metricsListen() != null) {
      listeners.put("ARKLOOP_METRICS_ADDR", http.metricsListen());
    }
    List<Map.Entry<String, HostPort>> entries = List.copyOf(listeners.entrySet());
    for (int i = 0; i < entries.size(); i++) {
      for (int j = i + 1; j < entries.size(); j++) {
        if (entries.get(i).getValue().sharesSocketWith(entries.get(j).getValue())) {
          throw new ConfigException(entries.get(j).getKey() + " (" + entries.get(j).getValue() + ") takes the port of "
              + entries.get(i).getKey() + " (" + entries.get(i).getValue() + "): give each server of the node its own port");
        }
      }
    }
  }

  private static ArkloopConfig build(Settings s) {
    var http = new ArkloopConfig.Http(
        s.parsed("ARKLOOP_API_ADDR", HostPort::parse),
        s.integer("ARKLOOP_API_INSTANCES", 0, 64),
        s.integer("ARKLOOP_EVENT_LOOPS", 0, 256),
        s.integer("ARKLOOP_MAX_BODY_BYTES", 1024, 64 * 1024 * 1024),
        s.bool("ARKLOOP_TRUST_INCOMING_TRACE_ID"),
        trustedProxies(s),
        s.integer("ARKLOOP_WORKSPACE_MAX_FILE_BYTES", 0, 1024 * 1024 * 1024),
        s.parsed("ARKLOOP_HTTP_HEADER_TIMEOUT_SECONDS", ConfigLoader::millis),
        s.parsed("ARKLOOP_HTTP_BODY_IDLE_TIMEOUT_SECONDS", ConfigLoader::millis),
        s.parsed("ARKLOOP_HTTP_IDLE_TIMEOUT_SECONDS", ConfigLoader::millis),
        s.integer("ARKLOOP_MAX_CONNECTIONS_PER_IP", 0, 1_000_000),
        s.optional("ARKLOOP_METRICS_ADDR") == null ? null : s.parsed("ARKLOOP_METRICS_ADDR", HostPort::parse),
        s.optional("ARKLOOP_METRICS_TOKEN"),
        s.bool("ARKLOOP_DOCS_ENABLED"));
    requireSeparateListeners(s, s.parsed("ARKLOOP_ROLE", Role::parse), http);
    var infra = new ArkloopConfig.Infra(
        s.url("ARKLOOP_DATABASE_URL", "postgresql", "postgres"),
        s.url("ARKLOOP_REDIS_URL", "redis", "rediss"),
        s.integer("ARKLOOP_EMBEDDED_PG_PORT", 0, 65535),
        s.integer("ARKLOOP_EMBEDDED_REDIS_PORT", 0, 65535),
        s.integer("ARKLOOP_DB_POOL_SIZE", 1, 512),
        s.required("ARKLOOP_REDIS_KEY_PREFIX"));
    var cluster = new ArkloopConfig.Cluster(
        s.bool("ARKLOOP_CLUSTER"),
        s.required("ARKLOOP_CLUSTER_HOST"),
        s.integer("ARKLOOP_CLUSTER_PORT", 1, 65535),
        s.list("ARKLOOP_CLUSTER_MEMBERS"));
    var turnstile = new ArkloopConfig.Turnstile(
        s.optional("ARKLOOP_TURNSTILE_SECRET_KEY"),
        s.optional("ARKLOOP_TURNSTILE_SITE_KEY"),
        s.optional("ARKLOOP_TURNSTILE_ALLOWED_HOST"),
        s.url("ARKLOOP_TURNSTILE_VERIFY_URL", "https", "http"));
    String jwtSecret = s.optional("ARKLOOP_AUTH_JWT_SECRET");
    if (jwtSecret != null && jwtSecret.length() < 32) {
      throw new ConfigException("ARKLOOP_AUTH_JWT_SECRET must be at least 32 characters");
    }
    var auth = new ArkloopConfig.Auth(
        jwtSecret,
        s.integer("ARKLOOP_AUTH_ACCESS_TOKEN_TTL_SECONDS", 30, 86_400),
        s.integer("ARKLOOP_AUTH_REFRESH_TOKEN_TTL_SECONDS", 300, 31_536_000),
        s.bool("ARKLOOP_AUTH_COOKIE_SECURE"),
        s.oneOf("ARKLOOP_REGISTRATION_MODE", "open", "invite_only", "disabled"),
        s.optional("ARKLOOP_BOOTSTRAP_PLATFORM_ADMIN"),
        s.integer("ARKLOOP_PASSWORD_MIN_LENGTH", 8, 128),
        s.integer("ARKLOOP_RATE_LIMIT_PER_MINUTE", 1, 1_000_000),
        s.integer("ARKLOOP_AUTH_RATE_LIMIT_PER_MINUTE", 1, 1_000_000),
        s.integer("ARKLOOP_LOGIN_LOCKOUT_FAILURES", 1, 1000),
        turnstile);
    var worker = new ArkloopConfig.Worker(
        s.integer("ARKLOOP_WORKER_CONCURRENCY", 1, 1024),
        s.parsed("ARKLOOP_WORKER_POLL_SECONDS", ConfigLoader::millis),
        s.integer("ARKLOOP_WORKER_LEASE_SECONDS", 2, 3600),
        s.integer("ARKLOOP_WORKER_HEARTBEAT_SECONDS", 1, 3600),
        s.list("ARKLOOP_WORKER_QUEUE_JOB_TYPES"));
    if (worker.heartbeatSeconds() >= worker.leaseSeconds()) {
      throw new ConfigException("ARKLOOP_WORKER_HEARTBEAT_SECONDS must be less than ARKLOOP_WORKER_LEASE_SECONDS");
    }
    var runs = new ArkloopConfig.Runs(
        s.integer("ARKLOOP_MAX_CONCURRENT_RUNS_PER_ACCOUNT", 1, 100_000),
        s.parsed("ARKLOOP_RUN_TIMEOUT_MINUTES", ConfigLoader::minutesAsMillis),
        s.integer("ARKLOOP_RUN_MAX_ATTEMPTS", 1, 100),
        s.integer("ARKLOOP_SSE_HEARTBEAT_SECONDS", 1, 3600),
        s.integer("ARKLOOP_SSE_BATCH_LIMIT", 1, 10_000),
        s.integer("ARKLOOP_STUB_TOKEN_DELAY_MS", 0, 60_000));
    var mail = new ArkloopConfig.Mail(
        s.optional("ARKLOOP_SMTP_HOST"),
        s.integer("ARKLOOP_SMTP_PORT", 1, 65535),
        s.optional("ARKLOOP_SMTP_USER"),
        s.optional("ARKLOOP_SMTP_PASS"),
        s.oneOf("ARKLOOP_SMTP_TLS_MODE", "none", "starttls", "tls"),
        s.optional("ARKLOOP_EMAIL_FROM"),
        s.url("ARKLOOP_APP_BASE_URL", "https", "http"));
    if (mail.host() != null && mail.from() == null) {
      throw new ConfigException("ARKLOOP_EMAIL_FROM is required when ARKLOOP_SMTP_HOST is set");
    }
    String encryptionKey = s.optional("ARKLOOP_ENCRYPTION_KEY");
    if (encryptionKey != null && !SecretBox.isValidKey(encryptionKey)) {
      throw new ConfigException("ARKLOOP_ENCRYPTION_KEY must be 64 hex characters (a 256-bit key)");
    }
    var llm = new ArkloopConfig.Llm(
        s.integer("ARKLOOP_LLM_RETRY_MAX_ATTEMPTS", 1, 20),
        s.integer("ARKLOOP_LLM_RETRY_BASE_DELAY_MS", 0, 600_000),
        s.integer("ARKLOOP_LLM_CONNECT_TIMEOUT_MS", 100, 600_000),
        s.integer("ARKLOOP_LLM_FIRST_BYTE_TIMEOUT_MS", 100, 3_600_000),
        s.integer("ARKLOOP_LLM_IDLE_TIMEOUT_MS", 100, 3_600_000),
        s.bool("ARKLOOP_ALLOW_PRIVATE_PROVIDER_URLS"),
        new ArkloopConfig.EnvProvider(s.optional("OPENAI_API_KEY"), s.url("OPENAI_BASE_URL", "https", "http"),
            s.required("ARKLOOP_OPENAI_MODEL")),
        new ArkloopConfig.EnvProvider(s.optional("ANTHROPIC_API_KEY"), s.url("ANTHROPIC_BASE_URL", "https", "http"),
            s.required("ARKLOOP_ANTHROPIC_MODEL")));
    var tools = new ArkloopConfig.Tools(
        s.required("ARKLOOP_DEFAULT_PERSONA"),
        s.bool("ARKLOOP_TOOLS_ALLOW_PRIVATE_NETWORK"),
        s.integer("ARKLOOP_WEB_FETCH_MAX_BYTES", 1024, 64 * 1024 * 1024),
        s.integer("ARKLOOP_WEB_FETCH_TIMEOUT_MS", 100, 600_000),
        s.integer("ARKLOOP_TOOL_PROVIDER_CACHE_TTL_SECONDS", 0, 86_400),
        s.integer("ARKLOOP_MCP_CACHE_TTL_SECONDS", 0, 86_400),
        s.bool("ARKLOOP_MCP_STDIO_ENABLED"),
        stdioCommands(s.list("ARKLOOP_MCP_STDIO_COMMANDS")),
        s.integer("ARKLOOP_TOOL_APPROVAL_TIMEOUT_SECONDS", 1, 30 * 86_400));
    var webhooks = new ArkloopConfig.Webhooks(
        s.bool("ARKLOOP_WEBHOOKS_ALLOW_PRIVATE"),
        s.parsed("ARKLOOP_WEBHOOK_RETRY_BASE_SECONDS", ConfigLoader::millis),
        s.integer("ARKLOOP_WEBHOOK_MAX_ATTEMPTS", 1, 100),
        s.parsed("ARKLOOP_WEBHOOK_TIMEOUT_SECONDS", ConfigLoader::millis));
    return new ArkloopConfig(
        s.parsed("ARKLOOP_ROLE", Role::parse),
        Path.of(s.required("ARKLOOP_DATA_DIR")).toAbsolutePath().normalize(),
        http,
        infra,
        cluster,
        auth,
        worker,
        runs,
        mail,
        new ArkloopConfig.Secrets(encryptionKey),
        llm,
        tools,
        webhooks,
        billing(s, runs.maxConcurrentPerAccount()));
  }

  private static ArkloopConfig.Billing billing(Settings s, int maxConcurrentRuns) {
    Map<String, String> defaults = new java.util.LinkedHashMap<>();
    String concurrent = s.optional("ARKLOOP_ENTITLEMENT_LIMIT_CONCURRENT_RUNS");
    defaults.put("limit.concurrent_runs", concurrent == null ? String.valueOf(maxConcurrentRuns)
        : String.valueOf(s.integer("ARKLOOP_ENTITLEMENT_LIMIT_CONCURRENT_RUNS", 0, 1_000_000)));
    for (String key : List.of("quota.runs_per_month", "quota.tokens_per_month", "limit.team_members",
        "credits.monthly_grant")) {
      defaults.put(key, String.valueOf(s.parsed(entitlementVariable(key), ConfigLoader::nonNegativeLong)));
    }
    for (String key : List.of("feature.byok_enabled", "feature.mcp_remote_enabled")) {
      defaults.put(key, String.valueOf(s.optional(entitlementVariable(key)) == null || s.bool(entitlementVariable(key))));
    }
    return new ArkloopConfig.Billing(
        s.parsed("ARKLOOP_CREDITS_INITIAL_GRANT", ConfigLoader::nonNegativeLong),
        s.parsed("ARKLOOP_CREDITS_INVITE_REWARD", ConfigLoader::nonNegativeLong),
        s.parsed("ARKLOOP_CREDITS_INVITEE_REWARD", ConfigLoader::nonNegativeLong),
        s.parsed("ARKLOOP_CREDITS_PER_USD", ConfigLoader::nonNegativeLong),
        s.optional("ARKLOOP_CREDITS_METERING") == null || s.bool("ARKLOOP_CREDITS_METERING"),
        s.parsed("ARKLOOP_CREDITS_LOW_THRESHOLD", ConfigLoader::nonNegativeLong),
        s.parsed("ARKLOOP_STUB_COST_PER_1K_TOKENS", ConfigLoader::usd),
        s.integer("ARKLOOP_CREDITS_MONTHLY_GRANT_CHECK_SECONDS", 1, 86_400),
        Map.copyOf(defaults));
  }

  /** {@code limit.concurrent_runs} is set by {@code ARKLOOP_ENTITLEMENT_LIMIT_CONCURRENT_RUNS}. */
  public static String entitlementVariable(String key) {
    return "ARKLOOP_ENTITLEMENT_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_');
  }

  private static long nonNegativeLong(String raw) {
    try {
      long value = Long.parseLong(raw);
      if (value < 0) {
        throw new IllegalArgumentException("must not be negative");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be an integer");
    }
  }

  /** Minutes, fractions allowed (tests use a few seconds), up to a day. */
  /** Shells are refused: a command line for one would be a way around the list. */
  private static List<String> stdioCommands(List<String> commands) {
    for (String command : commands) {
      String name = command.substring(command.lastIndexOf('/') + 1).toLowerCase(java.util.Locale.ROOT);
      if (SHELLS.contains(name.endsWith(".exe") ? name.substring(0, name.length() - 4) : name)) {
        throw new ConfigException("ARKLOOP_MCP_STDIO_COMMANDS must not list a shell, got '" + command + "'");
      }
    }
    return commands;
  }

  private static final java.util.Set<String> SHELLS = java.util.Set.of("sh", "bash", "dash", "zsh", "ksh", "csh",
      "tcsh", "fish", "ash", "busybox", "cmd", "powershell", "pwsh", "env", "sudo", "su");

  private static long minutesAsMillis(String minutes) {
    try {
      double value = Double.parseDouble(minutes);
      if (value <= 0 || value > 24 * 60) {
        throw new IllegalArgumentException("must be more than 0 and at most 1440 minutes");
      }
      return Math.round(value * 60_000);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a number of minutes");
    }
  }

  private static double usd(String raw) {
    try {
      double value = Double.parseDouble(raw);
      if (!(value >= 0 && value <= 1000)) {
        throw new IllegalArgumentException("must be between 0 and 1000 USD");
      }
      return value;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a number of USD");
    }
  }

  private static int millis(String seconds) {
    try {
      double value = Double.parseDouble(seconds);
      if (value < 0.01 || value > 3600) {
        throw new IllegalArgumentException("must be between 0.01 and 3600 seconds");
      }
      return (int) Math.round(value * 1000);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("must be a number of seconds");
    }
  }

  private static Map<String, String> parseFlags(List<String> args) {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      switch (name) {
        case "--cluster" -> flags.put(name, arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "1");
        case "--role", "--data-dir", "--api-addr", "--config" -> {
          if (arg.contains("=")) {
            flags.put(name, arg.substring(arg.indexOf('=') + 1));
          } else if (i + 1 < args.size()) {
            flags.put(name, args.get(++i));
          } else {
            throw new ConfigException(name + " needs a value");
          }
        }
        default -> throw new ConfigException("unknown option '" + arg
            + "' (options: --role all|api|worker, --cluster, --data-dir DIR, --api-addr HOST:PORT, --config FILE)");
      }
    }
    return flags;
  }

  private static String flagVariable(String flag) {
    return switch (flag) {
      case "--cluster" -> "ARKLOOP_CLUSTER";
      case "--role" -> "ARKLOOP_ROLE";
      case "--data-dir" -> "ARKLOOP_DATA_DIR";
      case "--api-addr" -> "ARKLOOP_API_ADDR";
      default -> throw new IllegalStateException(flag);
    };
  }

  private static Map<String, String> defaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new ConfigException(DEFAULTS_RESOURCE + " is missing from the classpath");
      }
      Properties properties = new Properties();
      properties.load(in);
      return toMap(properties);
    } catch (IOException e) {
      throw new ConfigException("cannot read " + DEFAULTS_RESOURCE + ": " + e.getMessage());
    }
  }

  private static Map<String, String> readFile(Path file) {
    try (Reader reader = Files.newBufferedReader(file)) {
      Properties properties = new Properties();
      properties.load(reader);
      return toMap(properties);
    } catch (IOException e) {
      throw new ConfigException("--config: cannot read " + file + ": " + e.getMessage());
    }
  }

  private static Map<String, String> toMap(Properties properties) {
    Map<String, String> map = new HashMap<>();
    properties.stringPropertyNames().forEach(name -> map.put(name, properties.getProperty(name)));
    return map;
  }
}
