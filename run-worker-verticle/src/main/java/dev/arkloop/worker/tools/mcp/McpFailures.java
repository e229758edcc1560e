package dev.arkloop.worker.tools.mcp;

import dev.arkloop.worker.tools.ToolException;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpTransportException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Maps what an MCP call can throw to the tool error classes: {@code mcp.timeout}, {@code
 * mcp.disconnected} (the server went away: the connection is dropped and made again next time),
 * {@code mcp.rpc_error} (a JSON-RPC error answer), {@code mcp.protocol_error} (an answer that does
 * not make sense). Messages name the server, never its secrets.
 */
final class McpFailures {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(McpFailures.class);
  private McpFailures() {}

  static ToolException map(String server, Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof ToolException tool) {
        return tool;
      }
      if (cause instanceof TimeoutException) {
        return new ToolException("mcp.timeout", "the MCP server " + server + " did not answer in time");
      }
      if (cause instanceof McpError rpc) {
        var error = rpc.getJsonRpcError();
        String message = error == null ? "error" : error.code() + " " + truncate(error.message());
        return new ToolException("mcp.rpc_error", "the MCP server " + server + " answered with an error: " + message);
      }
      if (cause instanceof McpTransportException || cause instanceof IOException
          || cause instanceof IllegalStateException) {
        return disconnected(server);
      }
    }
    String text = String.valueOf(failure.getMessage()).toLowerCase();
    if (text.contains("timeout") || text.contains("timed out") || text.contains("did not observe")) {
      return new ToolException("mcp.timeout", "the MCP server " + server + " did not answer in time");
    }
    if (text.contains("closed") || text.contains("connection") || text.contains("broken pipe")) {
      return disconnected(server);
    }
    LOG.warn("unexpected MCP failure [server: {}]: {}", server, failure.getClass().getName());
    return new ToolException("mcp.protocol_error", "the MCP server " + server + " answered something unexpected");
  }

  static ToolException disconnected(String server) {
    return new ToolException("mcp.disconnected", "the connection to the MCP server " + server + " was lost");
  }

  private static String truncate(String message) {
    if (message == null) {
      return "";
    }
    return message.length() > 300 ? message.substring(0, 300) : message;
  }
}
