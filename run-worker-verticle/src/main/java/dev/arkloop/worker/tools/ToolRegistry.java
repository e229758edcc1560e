package dev.arkloop.worker.tools;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every tool that exists for a run: the built-ins, then the account's MCP tools. */
public final class ToolRegistry {
  private static final Logger LOG = LoggerFactory.getLogger(ToolRegistry.class);

  /** Tools discovered per account (MCP servers). */
  @FunctionalInterface
  public interface Source {
    Future<List<Tool>> tools(UUID orgId);
  }

  private final BuiltinTools builtins;
  private final Source discovered;

  public ToolRegistry(BuiltinTools builtins, Source discovered) {
    this.builtins = builtins;
    this.discovered = discovered;
  }

  /** A discovery failure only leaves its tools out: a run never fails because an MCP server is down. */
  public Future<List<Tool>> available(ToolContext context) {
    if (discovered == null) {
      return Future.succeededFuture(builtins.all());
    }
    return discovered.tools(context.orgId())
        .recover(e -> {
          LOG.warn("MCP tools unavailable [org: {}, run: {}]: {}", context.orgId(), context.runId(), e.toString());
          return Future.succeededFuture(List.of());
        })
        .map(extra -> {
          List<Tool> all = new ArrayList<>(builtins.all());
          all.addAll(extra);
          return all;
        });
  }
}
