package dev.arkloop.common.infra;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedded servers left running by a node that died without stopping them (kill -9, OOM killer):
 * they outlive it with parent pid 1 and still hold their data directory, so the next start finds
 * and stops them first. Blocking; runs before anything else starts.
 */
final class OrphanedServers {
  private static final Logger LOG = LoggerFactory.getLogger(OrphanedServers.class);
  private static final Duration GRACE = Duration.ofSeconds(20);
  static final String REDIS_PID_FILE = "redis.pid";

  private OrphanedServers() {}

  /**
   * Stops the postmaster named by {@code postmaster.pid} when it serves this data directory. A lock
   * file naming anything else (a reused pid after a reboot, a zombie) is stale and is removed, since
   * PostgreSQL refuses to start while the pid it names exists.
   */
  static void stopPostgres(Path dataDir) throws IOException {
    Path lockFile = dataDir.resolve("postmaster.pid");
    List<String> lines = readLines(lockFile);
    if (lines.size() < 2 || !lines.get(0).strip().matches("\\d+")) {
      return;
    }
    long pid = Long.parseLong(lines.get(0).strip());
    if (!running(pid)) {
      // a zombie still answers kill(pid, 0), which is all PostgreSQL checks
      if (ProcessHandle.of(pid).isPresent()) {
        Files.deleteIfExists(lockFile);
      }
      return;
    }
    if (!isCommand(pid, "postgres") || !workingIn(pid, dataDir, Path.of(lines.get(1).strip()))) {
      LOG.warn("removing stale postmaster.pid naming an unrelated process [pid: {}, data: {}]", pid, dataDir);
      Files.deleteIfExists(lockFile);
      return;
    }
    LOG.warn("stopping an orphaned embedded PostgreSQL of this data directory [pid: {}, data: {}]", pid, dataDir);
    // SIGINT is PostgreSQL's fast shutdown: it ends the dead node's sessions and checkpoints
    stop(pid, () -> signal(pid, "INT"));
    if (running(pid)) {
      signal(pid, "QUIT");
      awaitExit(pid, GRACE);
    }
    if (running(pid)) {
      throw new IllegalStateException("orphaned PostgreSQL (pid " + pid + ") of " + dataDir + " did not stop");
    }
  }

  /** Stops the Redis whose pid file is in {@code dataDir}, if it still runs. */
  static void stopRedis(Path dataDir) throws IOException {
    List<String> lines = readLines(dataDir.resolve(REDIS_PID_FILE));
    if (lines.isEmpty() || !lines.get(0).strip().matches("\\d+")) {
      return;
    }
    long pid = Long.parseLong(lines.get(0).strip());
    if (!running(pid) || !isCommand(pid, "redis-server") || !workingIn(pid, dataDir, dataDir)) {
      return;
    }
    LOG.warn("stopping an orphaned embedded Redis of this data directory [pid: {}, data: {}]", pid, dataDir);
    // SIGTERM makes Redis flush its append-only file and exit
    stop(pid, () -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy));
    if (running(pid)) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
      awaitExit(pid, GRACE);
    }
    if (running(pid)) {
      throw new IllegalStateException("orphaned Redis (pid " + pid + ") of " + dataDir + " did not stop");
    }
  }

  private static void stop(long pid, Runnable signal) {
    signal.run();
    awaitExit(pid, GRACE);
  }

  private static void awaitExit(long pid, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (running(pid) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Alive and not a zombie (an exited process its parent has not reaped yet). */
  static boolean running(long pid) {
    Path stat = Path.of("/proc", String.valueOf(pid), "stat");
    if (Files.isDirectory(Path.of("/proc", "self"))) {
      try {
        String content = Files.readString(stat);
        char state = content.charAt(content.lastIndexOf(')') + 2);
        return state != 'Z' && state != 'X';
      } catch (NoSuchFileException e) {
        return false;
      } catch (IOException | RuntimeException e) {
        // fall through to the portable check
      }
    }
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  private static boolean isCommand(long pid, String name) {
    Optional<String> command = ProcessHandle.of(pid).flatMap(handle -> handle.info().command());
    if (command.isEmpty()) {
      try {
        command = Optional.of(Files.readString(Path.of("/proc", String.valueOf(pid), "comm")));
      } catch (IOException e) {
        return false;
      }
    }
    String executable = Path.of(command.get().strip()).getFileName().toString();
    return executable.startsWith(name);
  }

  /**
   * Both servers change into their data directory, so where /proc shows working directories a reused
   * pid of another PostgreSQL or Redis is told apart; elsewhere {@code claimed} (what the pid file
   * says) has to do.
   */
  private static boolean workingIn(long pid, Path dataDir, Path claimed) {
    Path cwd = Path.of("/proc", String.valueOf(pid), "cwd");
    if (Files.isDirectory(Path.of("/proc", "self", "cwd"))) {
      return sameDirectory(cwd, dataDir);
    }
    return sameDirectory(claimed, dataDir);
  }

  private static boolean sameDirectory(Path a, Path b) {
    try {
      return Files.isSameFile(a, b);
    } catch (IOException e) {
      return false;
    }
  }

  private static void signal(long pid, String signal) {
    try {
      Process kill = new ProcessBuilder("kill", "-s", signal, String.valueOf(pid)).redirectErrorStream(true).start();
      kill.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
      kill.waitFor();
    } catch (IOException e) {
      ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> readLines(Path file) throws IOException {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }
}
