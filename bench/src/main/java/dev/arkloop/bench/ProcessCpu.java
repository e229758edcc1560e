package dev.arkloop.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * CPU used from construction to {@link #used}, in nanoseconds: by a node's process, by its
 * descendants (embedded Redis and PostgreSQL with its backends, found again at the end so new ones
 * count), and by this process (the load generator). A node pid of 0 leaves the first two at 0.
 */
final class ProcessCpu {
  private static final long TICK_NANOS = 10_000_000; // USER_HZ is 100 on Linux
  private final long nodePid;
  private final long nodeStart;
  private final Map<Long, Long> childrenStart;
  private final long selfStart;

  ProcessCpu(long nodePid) {
    this.nodePid = nodePid;
    this.nodeStart = ticks(nodePid);
    this.childrenStart = descendantTicks(nodePid);
    this.selfStart = selfNanos();
  }

  /** {node, node's descendants, this process}. */
  long[] used() {
    long node = (ticks(nodePid) - nodeStart) * TICK_NANOS;
    long children = 0;
    for (Map.Entry<Long, Long> child : descendantTicks(nodePid).entrySet()) {
      children += (child.getValue() - childrenStart.getOrDefault(child.getKey(), 0L)) * TICK_NANOS;
    }
    return new long[] {Math.max(0, node), Math.max(0, children), selfNanos() - selfStart};
  }

  private static long selfNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  private static Map<Long, Long> descendantTicks(long pid) {
    Map<Long, Long> found = new HashMap<>();
    if (pid > 0) {
      collect(pid, found);
      found.remove(pid);
    }
    return found;
  }

  private static void collect(long pid, Map<Long, Long> found) {
    found.put(pid, ticks(pid));
    try (var tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        String children = Files.readString(task.resolve("children")).trim();
        if (!children.isEmpty()) {
          for (String child : children.split(" ")) {
            collect(Long.parseLong(child), found);
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process ended meanwhile: what was read so far counts
    }
  }

  /** utime + stime of the process (all its threads), in clock ticks; 0 when unknown. */
  private static long ticks(long pid) {
    if (pid <= 0) {
      return 0;
    }
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }
}
