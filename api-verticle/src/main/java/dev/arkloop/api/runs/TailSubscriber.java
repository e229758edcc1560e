package dev.arkloop.api.runs;

import dev.arkloop.common.runs.RunEvent;
import java.util.List;

/** A local listener of a run's live events, ticked a few times a second so it can keep its connection alive. */
interface TailSubscriber {

  /** A burst of consecutive events, in order. */
  void accept(List<RunEvent> events);

  /** Called every {@link RunTail#TICK_MS} ms by the tail's own timer (one timer per run, not per subscriber). */
  void tick(long nowMillis);

  /** The tail gave up (its reads kept failing) and no longer feeds this subscriber. */
  void failed();
}
