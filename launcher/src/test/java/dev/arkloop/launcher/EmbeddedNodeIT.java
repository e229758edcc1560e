package dev.arkloop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.testing.TestInfra;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The built jar on embedded defaults: ready, restartable with its data, and clean on SIGTERM. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class EmbeddedNodeIT {

  @Test
  void restartKeepsDataAndSigtermLeavesNothingRunning() throws Exception {
    Path dataDir = TestInfra.tempDir("arkloop-node-data");
    int pgPort = EmbeddedInfrastructure.freePort();
    int redisPort = EmbeddedInfrastructure.freePort();
    Map<String, String> env = Map.of(
        "ARKLOOP_DATA_DIR", dataDir.toString(),
        "ARKLOOP_EMBEDDED_PG_PORT", String.valueOf(pgPort),
        "ARKLOOP_EMBEDDED_REDIS_PORT", String.valueOf(redisPort));
    UUID jobId = UUID.randomUUID();

    try (NodeProcess first = NodeProcess.startReady(env, EmbeddedInfrastructure.freePort())) {
      assertEquals(200, first.get("/readyz").statusCode());
      assertTrue(first.get("/readyz").body().contains("\"schema_version\""));
      sql(pgPort, "INSERT INTO jobs (id, type, payload) VALUES ('" + jobId + "', 'test.keep', '{}')");
      assertEquals("OK", redis(redisPort, "SET", "kept", "yes"));

      long postgresPid = Long.parseLong(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(0).trim());
      List<ProcessHandle> children = first.process().descendants().toList();
      assertTrue(running(postgresPid));
      assertFalse(children.isEmpty(), "embedded Redis runs as a child process");

      assertEquals(143, first.terminate(), "SIGTERM exit status");
      assertTrue(first.output().contains("stopped"), first.output());
      assertFalse(running(postgresPid), "PostgreSQL stopped");
      for (ProcessHandle child : children) {
        assertFalse(running(child.pid()), "child process left behind: " + child.info());
      }
    }

    try (NodeProcess second = NodeProcess.startReady(env, EmbeddedInfrastructure.freePort())) {
      assertEquals(200, second.get("/readyz").statusCode());
      assertEquals("test.keep", sqlValue(pgPort, "SELECT type FROM jobs WHERE id = '" + jobId + "'"));
      assertEquals("yes", redis(redisPort, "GET", "kept"));
      assertEquals(143, second.terminate());
    }
  }

  /**
   * A node killed with SIGKILL leaves its embedded PostgreSQL and Redis running with parent pid 1;
   * the next start on the same data directory stops them and is ready promptly, on the same Redis port.
   */
  @Test
  void restartAfterKill9FindsAndStopsTheOrphanedServers() throws Exception {
    Path dataDir = TestInfra.tempDir("arkloop-node-crash");
    Map<String, String> env = Map.of("ARKLOOP_DATA_DIR", dataDir.toString());
    UUID jobId = UUID.randomUUID();
    long postgresPid = 0;
    long redisPid = 0;
    try {
      int redisPort;
      long firstLaunch = System.nanoTime();
      Duration firstToReady;
      try (NodeProcess first = NodeProcess.startReady(env, EmbeddedInfrastructure.freePort())) {
        firstToReady = Duration.ofNanos(System.nanoTime() - firstLaunch);
        List<String> postmaster = Files.readAllLines(dataDir.resolve("postgres/postmaster.pid"));
        postgresPid = Long.parseLong(postmaster.get(0).trim());
        ProcessHandle redisServer = redisChild(first);
        redisPid = redisServer.pid();
        redisPort = redisPort(redisServer);
        sql(Integer.parseInt(postmaster.get(3).trim()),
            "INSERT INTO jobs (id, type, payload) VALUES ('" + jobId + "', 'test.keep', '{}')");
        assertEquals("OK", redis(redisPort, "SET", "kept", "yes"));

        first.process().destroyForcibly();
        assertTrue(first.process().waitFor(30, TimeUnit.SECONDS));
        assertTrue(running(postgresPid), "the killed node's PostgreSQL outlives it");
        assertTrue(running(redisPid), "the killed node's Redis outlives it");
      }

      long started = System.nanoTime();
      try (NodeProcess second = NodeProcess.startReady(env, EmbeddedInfrastructure.freePort())) {
        Duration toReady = Duration.ofNanos(System.nanoTime() - started);
        System.out.println("restart after kill -9 ready in " + toReady.toMillis() + " ms (first start: "
            + firstToReady.toMillis() + " ms)");
        // 15 s on a quiet machine; on a loaded one no slower than the first start, which did more (initdb, migrations)
        Duration bound = firstToReady.compareTo(Duration.ofSeconds(15)) > 0 ? firstToReady : Duration.ofSeconds(15);
        assertTrue(toReady.compareTo(bound) < 0, "ready after " + toReady + " (first start: " + firstToReady + ")\n"
            + second.output());
        assertFalse(running(postgresPid), "orphaned PostgreSQL stopped");
        assertFalse(running(redisPid), "orphaned Redis stopped");
        assertEquals(redisPort, redisPort(redisChild(second)), "one Redis port per data directory");
        assertEquals(200, second.get("/readyz").statusCode());
        int pgPort = Integer.parseInt(Files.readAllLines(dataDir.resolve("postgres/postmaster.pid")).get(3).trim());
        assertEquals("test.keep", sqlValue(pgPort, "SELECT type FROM jobs WHERE id = '" + jobId + "'"));
        assertEquals("yes", redis(redisPort, "GET", "kept"));
        assertEquals(143, second.terminate());
      }
    } finally {
      for (long pid : new long[] {postgresPid, redisPid}) {
        if (pid != 0) {
          ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
      }
    }
  }

  @Test
  void badConfigurationStopsStartupWithOneLineNamingTheVariable() throws Exception {
    try (NodeProcess node = NodeProcess.launch(Map.of("ARKLOOP_DB_POOL_SIZE", "many"), 1)) {
      assertTrue(node.process().waitFor(60, TimeUnit.SECONDS));
      assertEquals(2, node.process().exitValue());
      String output = node.output().strip();
      assertEquals(1, output.lines().count(), output);
      assertTrue(output.contains("ARKLOOP_DB_POOL_SIZE"), output);
    }
  }

  private static ProcessHandle redisChild(NodeProcess node) {
    return node.process().descendants()
        .filter(p -> p.info().command().map(c -> c.contains("redis-server")).orElse(false))
        .findFirst().orElseThrow(() -> new AssertionError("no embedded Redis child process"));
  }

  /** From the process title Redis sets for itself: {@code redis-server 127.0.0.1:<port>}. */
  private static int redisPort(ProcessHandle redisServer) throws Exception {
    String title = Files.readString(Path.of("/proc", String.valueOf(redisServer.pid()), "cmdline")).replace('\0', ' ');
    java.util.regex.Matcher port = java.util.regex.Pattern.compile("127\\.0\\.0\\.1:(\\d+)").matcher(title);
    assertTrue(port.find(), title);
    return Integer.parseInt(port.group(1));
  }

  /** Alive and not a zombie: a stopped daemon whose parent has not reaped it yet has exited. */
  private static boolean running(long pid) throws Exception {
    Path stat = Path.of("/proc", String.valueOf(pid), "stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String content = Files.readString(stat);
    char state = content.charAt(content.lastIndexOf(')') + 2);
    return state != 'Z' && state != 'X';
  }

  private static void sql(int port, String statement) throws Exception {
    try (Connection connection = connect(port)) {
      connection.createStatement().execute(statement);
    }
  }

  private static String sqlValue(int port, String query) throws Exception {
    try (Connection connection = connect(port); ResultSet rows = connection.createStatement().executeQuery(query)) {
      return rows.next() ? rows.getString(1) : null;
    }
  }

  private static Connection connect(int port) throws Exception {
    return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/arkloop", "postgres", null);
  }

  /** One command over RESP; returns a simple or bulk string reply. */
  private static String redis(int port, String... command) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      StringBuilder request = new StringBuilder("*" + command.length + "\r\n");
      for (String part : command) {
        request.append('$').append(part.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(part).append("\r\n");
      }
      OutputStream out = socket.getOutputStream();
      out.write(request.toString().getBytes(StandardCharsets.UTF_8));
      out.flush();
      BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
      String line = in.readLine();
      return switch (line.charAt(0)) {
        case '+' -> line.substring(1);
        case '$' -> line.equals("$-1") ? null : in.readLine();
        default -> throw new AssertionError("redis replied " + line);
      };
    }
  }
}
