package dev.arkloop.launcher.tools;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The official MCP reference server ({@code @modelcontextprotocol/server-everything}), installed
 * from the npm registry into {@code target/mcp} the first time a test needs it. Needs Node.js and
 * npm on the PATH: without them the tests fail, loudly, rather than skip.
 */
final class McpReferenceServer {
  static final String PACKAGE = "@modelcontextprotocol/server-everything@2026.8.31";
  private static final Path PREFIX = Path.of("target", "mcp").toAbsolutePath();
  private static final Path SCRIPT = PREFIX.resolve("node_modules/@modelcontextprotocol/server-everything/dist/index.js");

  private McpReferenceServer() {}

  /** The server's entry script, installing it first if needed. */
  static synchronized Path script() {
    if (!Files.exists(SCRIPT)) {
      run(List.of("npm", "install", "--prefix", PREFIX.toString(), "--no-audit", "--no-fund", "--no-save", PACKAGE),
          300);
    }
    if (!Files.exists(SCRIPT)) {
      throw new AssertionError("npm did not install " + PACKAGE + " into " + PREFIX);
    }
    return SCRIPT;
  }

  /**
   * Starts an HTTP transport on a free port: {@code streamableHttp} ({@code /mcp}) or the older
   * {@code sse} ({@code GET /sse} + {@code POST /message}); the caller destroys the process.
   */
  static Process startHttp(int port, String transport) {
    try {
      ProcessBuilder builder = new ProcessBuilder("node", script().toString(), transport)
          .redirectErrorStream(true).redirectOutput(PREFIX.resolve("http-" + port + ".log").toFile());
      builder.environment().put("PORT", String.valueOf(port));
      Process process = builder.start();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (System.nanoTime() < deadline) {
        try (Socket socket = new Socket()) {
          socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
          return process;
        } catch (IOException notYet) {
          if (!process.isAlive()) {
            throw new AssertionError("the MCP HTTP server exited: " + Files.readString(PREFIX.resolve("http-" + port + ".log")));
          }
          Thread.sleep(100);
        }
      }
      process.destroyForcibly();
      throw new AssertionError("the MCP HTTP server did not listen on " + port);
    } catch (IOException e) {
      throw new AssertionError("cannot start node (is Node.js installed?): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static void run(List<String> command, int timeoutSeconds) {
    try {
      Files.createDirectories(PREFIX);
      Path log = PREFIX.resolve("npm-install.log");
      Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
      if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " took more than " + timeoutSeconds + " s");
      }
      if (process.exitValue() != 0) {
        throw new AssertionError(String.join(" ", command) + " failed (" + process.exitValue() + "): "
            + Files.readString(log, StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run npm (the MCP tests need Node.js and npm): " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
