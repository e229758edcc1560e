package dev.arkloop.worker.tools.mcp;

import io.modelcontextprotocol.client.McpSyncClient;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's live MCP clients, one per server config version, shared by the runs of this worker.
 * The SDK's sync client blocks, so every use runs on a dedicated worker pool and comes back as a
 * Vert.x future; stdio processes are started and stopped there too, and all of them are stopped
 * when the worker verticle stops.
 */
final class McpConnections {
  private static final Logger LOG = LoggerFactory.getLogger(McpConnections.class);
  private final WorkerExecutor executor;
  private final McpConnector connector;
  private final Map<String, McpSyncClient> clients = new ConcurrentHashMap<>();
  private volatile boolean closed;

  McpConnections(Vertx vertx, McpConnector connector) {
    this.executor = vertx.createSharedWorkerExecutor("arkloop-mcp", 16, 10, TimeUnit.MINUTES);
    this.connector = connector;
  }

  /** Runs {@code operation} with the server's client, connecting first if needed, within {@code timeoutMs}. */
  <T> Future<T> use(McpServer server, Function<McpSyncClient, T> operation, long timeoutMs) {
    return executor.executeBlocking(() -> operation.apply(client(server)), false)
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(e -> {
          var failure = McpFailures.map(server.name(), e);
          if (failure.errorClass().equals("mcp.disconnected")) {
            drop(server.connectionKey());
          }
          return Future.failedFuture(failure);
        });
  }

  private McpSyncClient client(McpServer server) {
    if (closed) {
      throw new IllegalStateException("the worker is stopping");
    }
    String key = server.connectionKey();
    String stalePrefix = server.id() + "@";
    new ArrayList<>(clients.keySet()).stream().filter(k -> k.startsWith(stalePrefix) && !k.equals(key))
        .forEach(this::drop);
    return clients.computeIfAbsent(key, k -> {
      LOG.info("connecting to MCP server {}", server.describe().encode());
      return connector.connect(server);
    });
  }

  private void drop(String key) {
    McpSyncClient client = clients.remove(key);
    if (client != null) {
      executor.executeBlocking(() -> {
        client.close();
        return null;
      }, false);
    }
  }

  /** Stops every server process and connection, then the pool. */
  Future<Void> close() {
    closed = true;
    List<McpSyncClient> all = new ArrayList<>(clients.values());
    clients.clear();
    return executor.executeBlocking(() -> {
      for (McpSyncClient client : all) {
        try {
          client.close();
        } catch (RuntimeException e) {
          LOG.debug("MCP client did not close cleanly: {}", e.toString());
        }
      }
      return null;
    }, false).<Void>mapEmpty().eventually(executor::close);
  }
}
