package dev.arkloop.worker.llm;

/**
 * Reads one provider's event stream: pushes text and thinking to the listener as events arrive and
 * assembles the turn. Throws {@link LlmException} for a malformed or failed stream.
 */
interface StreamDecoder {

  /** One server-sent event: its {@code event:} name (may be null) and data. */
  void onEvent(String event, String data);

  /** True once the stream said it is complete ({@code [DONE]}, {@code message_stop}, ...). */
  boolean complete();

  /** The turn; fails with a retryable {@code provider.unavailable} if the stream ended before completing. */
  LlmTurn finish();
}
