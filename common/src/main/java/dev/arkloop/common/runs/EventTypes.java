package dev.arkloop.common.runs;

import java.util.Set;

/** Run event types (API.md §1.7). */
public final class EventTypes {
  public static final String STARTED = "run.started";
  public static final String ROUTE_SELECTED = "run.route.selected";
  public static final String SEGMENT_START = "run.segment.start";
  public static final String SEGMENT_END = "run.segment.end";
  public static final String MESSAGE_DELTA = "message.delta";
  public static final String TOOL_CALL = "tool.call";
  public static final String TOOL_RESULT = "tool.result";
  public static final String TOOL_DENIED = "tool.denied";
  /** What the original web client renders as an input box; written just before {@link #WAITING_FOR_INPUT}. */
  public static final String INPUT_REQUESTED = "run.input_requested";
  public static final String WAITING_FOR_INPUT = "run.waiting_for_input";
  public static final String INPUT_PROVIDED = "run.input_provided";
  public static final String CANCEL_REQUESTED = "run.cancel_requested";
  public static final String CANCELLED = "run.cancelled";
  public static final String COMPLETED = "run.completed";
  public static final String FAILED = "run.failed";
  public static final String LLM_RETRY = "run.llm.retry";
  public static final String PROVIDER_FALLBACK = "run.provider_fallback";

  private static final Set<String> TERMINAL = Set.of(COMPLETED, FAILED, CANCELLED);

  private EventTypes() {}

  public static boolean isTerminal(String type) {
    return TERMINAL.contains(type);
  }
}
