package dev.arkloop.worker.llm;

/**
 * A model call that failed, with the {@code error_class} a failed run reports ({@code provider.*}, ...),
 * whether trying again may succeed, and how long the provider asked to wait first (-1: not said).
 */
public final class LlmException extends RuntimeException {
  private final String errorClass;
  private final boolean retryable;
  private final long retryAfterMs;

  public LlmException(String errorClass, String message, boolean retryable) {
    this(errorClass, message, retryable, -1);
  }

  public LlmException(String errorClass, String message, boolean retryable, long retryAfterMs) {
    super(message, null, false, false);
    this.errorClass = errorClass;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }

  public static LlmException cancelled() {
    return new LlmException("cancelled", "the call was cancelled", false);
  }

  /** The stream broke a rule of its wire format: a chunk that is not JSON, an unknown state. */
  public static LlmException protocol(String message) {
    return new LlmException("provider.protocol_error", message, false);
  }

  public String errorClass() {
    return errorClass;
  }

  public boolean retryable() {
    return retryable;
  }

  /** The wait the provider asked for ({@code Retry-After}), or -1. */
  public long retryAfterMs() {
    return retryAfterMs;
  }
}
