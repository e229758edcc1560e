package dev.arkloop.worker.tools.mcp;

import dev.arkloop.worker.tools.ToolException;
import dev.arkloop.common.net.AddressPolicy;
import io.modelcontextprotocol.client.McpClient;
import io.modelcontextprotocol.client.McpSyncClient;
import io.modelcontextprotocol.client.transport.HttpClientSseClientTransport;
import io.modelcontextprotocol.client.transport.HttpClientStreamableHttpTransport;
import io.modelcontextprotocol.client.transport.ServerParameters;
import io.modelcontextprotocol.client.transport.StdioClientTransport;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpClientTransport;
import io.modelcontextprotocol.spec.McpSchema;
import java.io.File;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Opens an initialized MCP client for a server config. Blocking (process start, network, the
 * initialize handshake): only ever called on a worker thread. A remote server's host must pass the
 * address policy, like any URL a tenant hands the worker.
 */
final class McpConnector {
  private static final Duration INITIALIZE_TIMEOUT = Duration.ofSeconds(30);
  /**
   * The SDK's timeout for any request, discovery included. A call's own {@code call_timeout_ms} is
   * enforced by the caller, so a short call timeout never cuts a server's start or tool listing.
   */
  private static final long MIN_REQUEST_TIMEOUT_MS = 30_000;
  /** What a stdio server gets from the worker's environment when it does not inherit all of it. */
  private static final List<String> BASE_ENV = List.of("PATH", "HOME", "TMPDIR", "LANG");
  private final AddressPolicy policy;

  McpConnector(AddressPolicy policy) {
    this.policy = policy;
  }

  McpSyncClient connect(McpServer server) {
    McpSyncClient client = McpClient.sync(transport(server))
        .requestTimeout(Duration.ofMillis(Math.max(MIN_REQUEST_TIMEOUT_MS, server.callTimeoutMs())))
        .initializationTimeout(INITIALIZE_TIMEOUT)
        .clientInfo(new McpSchema.Implementation("arkloop", "1"))
        .build();
    try {
      client.initialize();
      return client;
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private McpClientTransport transport(McpServer server) {
    if (server.transport().equals("stdio")) {
      ServerParameters parameters = ServerParameters.builder(server.command()).args(server.args())
          .env(server.env()).build();
      return new ConfiguredStdioTransport(parameters, server);
    }
    URI uri = URI.create(server.url());
    InetAddress checked = checkHost(server, uri.getHost());
    String base = uri.getScheme() + "://" + authority(uri, checked);
    String endpoint = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    HttpRequest.Builder request = HttpRequest.newBuilder();
    if (server.bearerToken() != null) {
      request.header("Authorization", "Bearer " + server.bearerToken());
    }
    if (server.transport().equals("http_sse")) {
      return HttpClientSseClientTransport.builder(base).sseEndpoint(endpoint).requestBuilder(request).build();
    }
    return HttpClientStreamableHttpTransport.builder(base).endpoint(endpoint).requestBuilder(request).build();
  }

  /**
   * Plain http goes to the checked address itself, so a second DNS answer cannot move it elsewhere
   * (rebinding); https keeps the name, which its certificate is checked against: a rebound address
   * would have to present a valid certificate for that name.
   */
  private static String authority(URI uri, InetAddress checked) {
    if (!"http".equalsIgnoreCase(uri.getScheme())) {
      return uri.getRawAuthority();
    }
    String address = checked.getHostAddress();
    String host = checked instanceof java.net.Inet6Address ? "[" + address + "]" : address;
    return uri.getPort() == -1 ? host : host + ":" + uri.getPort();
  }

  /** Resolved once and checked against the address policy; the first address is the one to use. */
  private InetAddress checkHost(McpServer server, String host) {
    ToolException refused = new ToolException("mcp.disconnected", "the MCP server " + server.name()
        + " is on a private or reserved address");
    try {
      InetAddress literal = AddressPolicy.literal(host);
      InetAddress[] addresses = literal != null ? new InetAddress[] {literal} : InetAddress.getAllByName(host);
      for (InetAddress address : addresses) {
        if (!policy.allows(address)) {
          throw refused;
        }
      }
      return addresses[0];
    } catch (AddressPolicy.Refused e) {
      throw refused;
    } catch (UnknownHostException e) {
      throw McpFailures.disconnected(server.name());
    }
  }

  /** Starts the process in the config's directory, with only the base environment unless told to inherit. */
  private static final class ConfiguredStdioTransport extends StdioClientTransport {
    private final McpServer server;

    ConfiguredStdioTransport(ServerParameters parameters, McpServer server) {
      super(parameters, McpJsonDefaults.getMapper());
      this.server = server;
    }

    @Override
    protected ProcessBuilder getProcessBuilder() {
      ProcessBuilder builder = super.getProcessBuilder();
      if (!server.inheritParentEnv()) {
        Map<String, String> environment = builder.environment();
        Map<String, String> kept = new java.util.HashMap<>();
        BASE_ENV.forEach(name -> {
          if (environment.get(name) != null) {
            kept.put(name, environment.get(name));
          }
        });
        environment.clear();
        environment.putAll(kept);
      }
      if (server.cwd() != null) {
        builder.directory(new File(server.cwd()));
      }
      return builder;
    }
  }
}
