package dev.arkloop.worker.tools.mcp;

import dev.arkloop.worker.tools.Tool;
import dev.arkloop.worker.tools.ToolContext;
import dev.arkloop.worker.tools.ToolException;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.spec.McpSchema;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;

/** One tool of an MCP server, named {@code mcp__<config name>__<tool>} for models. */
final class McpTool implements Tool {
  private final McpServer server;
  private final String remoteName;
  private final String name;
  private final String description;
  private final JsonObject parameters;
  private final McpConnections connections;

  McpTool(McpServer server, String remoteName, String description, JsonObject parameters,
      McpConnections connections) {
    this.server = server;
    this.remoteName = remoteName;
    this.name = "mcp__" + server.name() + "__" + remoteName.replaceAll("[^A-Za-z0-9_-]", "_");
    this.description = description == null ? "" : description;
    this.parameters = parameters;
    this.connections = connections;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public JsonObject parameters() {
    return parameters;
  }

  @Override
  public Future<JsonObject> call(JsonObject arguments, ToolContext context) {
    McpSchema.CallToolRequest request = new McpSchema.CallToolRequest(remoteName,
        new JsonObject(arguments.encode()).getMap()); // plain maps and lists, as the SDK's mapper expects
    return connections.use(server, client -> client.callTool(request), server.callTimeoutMs())
        .compose(this::toResult);
  }

  private Future<JsonObject> toResult(McpSchema.CallToolResult result) {
    JsonObject json;
    try {
      json = new JsonObject(McpJsonDefaults.getMapper().writeValueAsString(result));
    } catch (IOException | RuntimeException e) {
      return Future.failedFuture(new ToolException("mcp.protocol_error", "the MCP server " + server.name()
          + " sent a result that cannot be read"));
    }
    JsonArray content = json.getJsonArray("content", new JsonArray());
    StringBuilder text = new StringBuilder();
    content.forEach(item -> {
      if (item instanceof JsonObject part && "text".equals(part.getString("type"))) {
        text.append(text.length() == 0 ? "" : "\n").append(part.getString("text", ""));
      }
    });
    if (Boolean.TRUE.equals(result.isError())) {
      return Future.failedFuture(new ToolException("mcp.tool_error", text.length() == 0
          ? "the MCP tool " + remoteName + " failed" : truncate(text.toString())));
    }
    JsonObject out = new JsonObject().put("text", text.toString()).put("content", content);
    if (json.getValue("structuredContent") != null) {
      out.put("structured_content", json.getValue("structuredContent"));
    }
    return Future.succeededFuture(out);
  }

  private static String truncate(String text) {
    return text.length() > 2000 ? text.substring(0, 2000) : text;
  }
}
