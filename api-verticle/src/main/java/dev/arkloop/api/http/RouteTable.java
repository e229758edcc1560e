package dev.arkloop.api.http;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The endpoints as they were mounted, one entry per method and path. The OpenAPI document is built
 * from this table, so a route cannot be mounted without appearing in the contract.
 */
public final class RouteTable {
  /**
   * One mounted endpoint. {@code path} is in router form ({@code /v1/threads/:thread_id});
   * {@code writesItself} is true for handlers that write their own response (streams, raw bytes).
   * {@code operationId} is null unless the declaration overrides the derived one.
   */
  public record Entry(String method, String path, List<String> permissions, boolean authenticated,
      String auditAction, int successStatus, boolean writesItself, String operationId) {
    public Entry {
      permissions = List.copyOf(permissions);
    }

    /** The path in OpenAPI form: {@code /v1/threads/{thread_id}}. */
    public String templatePath() {
      return path.replaceAll(":([A-Za-z0-9_]+)", "{$1}");
    }

    public List<String> pathParameters() {
      return java.util.Arrays.stream(path.split("/")).filter(s -> s.startsWith(":")).map(s -> s.substring(1))
          .toList();
    }
  }

  private final List<Entry> entries = new CopyOnWriteArrayList<>();

  public void add(Entry entry) {
    entries.add(entry);
  }

  /** A route mounted outside {@link Routes} (probes, metrics), listed so the contract still shows it. */
  public void addPublic(String method, String path, int successStatus, String operationId) {
    entries.add(new Entry(method, path, List.of(), false, null, successStatus, true, operationId));
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }
}
