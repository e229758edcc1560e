package dev.arkloop.api.runs;

import dev.arkloop.common.runs.RunEvent;

/** A local listener of a run's live events, ticked a few times a second so it can keep its connection alive. */
interface TailSubscriber {

  void accept(RunEvent event);

  /** Called every {@link RunTail#TICK_MS} ms by the tail's own timer (one timer per run, not per subscriber). */
  void tick(long nowMillis);
}
