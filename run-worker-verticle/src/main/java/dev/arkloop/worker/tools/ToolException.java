package dev.arkloop.worker.tools;

/** A tool failure with its {@code tool.*} (or {@code mcp.*}) error class. */
public final class ToolException extends RuntimeException {
  private final String errorClass;

  public ToolException(String errorClass, String message) {
    super(message, null, false, false);
    this.errorClass = errorClass;
  }

  public String errorClass() {
    return errorClass;
  }
}
