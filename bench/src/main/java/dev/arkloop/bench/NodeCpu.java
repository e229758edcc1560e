package dev.arkloop.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time of the node's process (user + system, its own threads, not its children such as an
 * embedded PostgreSQL), read from {@code /proc/<pid>/stat}; and the machine's load average, so a
 * throughput figure is never read without knowing how busy the shared cores were.
 */
final class NodeCpu {
  private static final long TICKS_PER_SECOND = ticksPerSecond();
  private final long pid;
  private long startedTicks = -1;
  private String loadAtStart;

  /** {@code pid} 0 means unknown: every figure is then absent. */
  NodeCpu(long pid) {
    this.pid = pid;
  }

  void start() {
    startedTicks = ticks();
    loadAtStart = loadAverage();
  }

  /** CPU milliseconds since {@link #start}, per unit of work, with the load average at both ends. */
  JsonObject report(long units, String unitName) {
    JsonObject report = new JsonObject().put("load_average_start", loadAtStart).put("load_average_end", loadAverage());
    long now = ticks();
    if (startedTicks >= 0 && now >= 0) {
      long millis = (now - startedTicks) * 1000 / TICKS_PER_SECOND;
      report.put("node_pid", pid).put("node_cpu_ms", millis);
      if (units > 0) {
        report.put("node_cpu_ms_per_" + unitName, Math.round(millis * 1000.0 / units) / 1000.0);
      }
    }
    return report;
  }

  private long ticks() {
    if (pid <= 0) {
      return -1;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      // fields after the command name, which is in parentheses and may hold spaces
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static long ticksPerSecond() {
    try {
      Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
      String out = new String(getconf.getInputStream().readAllBytes()).trim();
      return getconf.waitFor() == 0 ? Long.parseLong(out) : 100;
    } catch (IOException | RuntimeException | InterruptedException e) {
      return 100;
    }
  }
}
