package dev.arkloop.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The built jar running as a separate JVM, with its output captured in a file. */
final class NodeProcess implements AutoCloseable {
  static final Path JAR = Path.of(System.getProperty("arkloop.jar", "target/arkloop.jar"));
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private final Process process;
  private final Path log;
  private final int apiPort;

  private NodeProcess(Process process, Path log, int apiPort) {
    this.process = process;
    this.log = log;
    this.apiPort = apiPort;
  }

  /** Starts the jar and returns once it is ready, or fails with its output. */
  static NodeProcess startReady(Map<String, String> env, int apiPort, String... args) throws Exception {
    NodeProcess node = launch(env, apiPort, args);
    node.awaitLog("Arkloop ready", Duration.ofSeconds(120));
    return node;
  }

  static NodeProcess launch(Map<String, String> env, int apiPort, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx512m", "-jar", JAR.toString()));
    command.addAll(List.of(args));
    Path log = Files.createTempFile("arkloop-node", ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    // nothing from the developer's shell, least of all a real provider key, reaches a test node
    builder.environment().keySet().removeIf(key -> key.startsWith("ARKLOOP_") || key.startsWith("OPENAI_")
        || key.startsWith("ANTHROPIC_"));
    builder.environment().put("ARKLOOP_API_ADDR", "127.0.0.1:" + apiPort);
    // nodes of a test run side by side: no gateway on the fixed :19000 unless a test asks for one
    builder.environment().put("ARKLOOP_GATEWAY_ADDR", "");
    builder.environment().putAll(env);
    return new NodeProcess(builder.start(), log, apiPort);
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  void awaitLog(String text, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (output().contains(text)) {
        return;
      }
      if (!process.isAlive()) {
        throw new AssertionError("node exited with " + process.exitValue() + " before '" + text + "':\n" + output());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no '" + text + "' within " + timeout + ":\n" + output());
  }

  String output() throws IOException {
    return Files.readString(log);
  }

  HttpResponse<String> get(String path) throws Exception {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
        .timeout(Duration.ofSeconds(10)).GET().build();
    return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
  }

  int port() {
    return apiPort;
  }

  Process process() {
    return process;
  }

  /** Sends SIGTERM and waits for the exit code. */
  int terminate() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("node did not stop within 60 s after SIGTERM");
    }
    return process.exitValue();
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
