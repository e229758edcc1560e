package dev.arkloop.worker.llm;

/** A model call that failed, with the {@code error_class} a failed run reports ({@code provider.*}, ...). */
public final class LlmException extends RuntimeException {
  private final String errorClass;
  private final boolean retryable;

  public LlmException(String errorClass, String message, boolean retryable) {
    super(message, null, false, false);
    this.errorClass = errorClass;
    this.retryable = retryable;
  }

  public static LlmException cancelled() {
    return new LlmException("cancelled", "the call was cancelled", false);
  }

  public String errorClass() {
    return errorClass;
  }

  public boolean retryable() {
    return retryable;
  }
}
