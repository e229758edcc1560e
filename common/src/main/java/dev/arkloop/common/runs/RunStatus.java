package dev.arkloop.common.runs;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Where a run stands, and which moves between statuses are allowed. {@link RunLifecycle} writes every
 * move and refuses the others; this is the only list of statuses and of terminal ones.
 *
 * <pre>
 *   (create) ─▶ running ⇄ waiting_for_input          park / resume
 *   running, waiting_for_input ─▶ cancelling         cancel requested
 *   running, waiting_for_input, cancelling ─▶ completed | failed | cancelled
 * </pre>
 */
public enum RunStatus {
  RUNNING,
  WAITING_FOR_INPUT,
  CANCELLING,
  COMPLETED,
  FAILED,
  CANCELLED;

  private static final Set<RunStatus> ENDED = EnumSet.of(COMPLETED, FAILED, CANCELLED);
  /** The statuses that still hold their thread, as a SQL list: {@code ('running', ...)}. */
  public static final String ACTIVE_SQL = Arrays.stream(values()).filter(s -> !s.terminal())
      .map(s -> "'" + s.wire() + "'").collect(Collectors.joining(", ", "(", ")"));

  /** The name in the database and on the wire. */
  public String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean terminal() {
    return ENDED.contains(this);
  }

  /** Whether {@link RunLifecycle} may move a run from this status to {@code next}. */
  public boolean canMoveTo(RunStatus next) {
    return switch (next) {
      case RUNNING -> this == WAITING_FOR_INPUT;
      case WAITING_FOR_INPUT -> this == RUNNING;
      case CANCELLING -> this == RUNNING || this == WAITING_FOR_INPUT;
      case COMPLETED, FAILED, CANCELLED -> !terminal();
    };
  }

  /** The statuses a run may move to {@code next} from, as wire names. */
  public static String[] from(RunStatus next) {
    return Arrays.stream(values()).filter(s -> s.canMoveTo(next)).map(RunStatus::wire).toArray(String[]::new);
  }

  public static RunStatus of(String wire) {
    return valueOf(wire.toUpperCase(Locale.ROOT));
  }

  /** Every status's wire name, in order. */
  public static List<String> wireNames() {
    return Arrays.stream(values()).map(RunStatus::wire).toList();
  }
}
