package dev.arkloop.common.error;

/**
 * PostgreSQL or Redis could not be reached (refused, closed, timed out): not a bug of the request,
 * answered 503 {@code unavailable} with {@code details.reason} {@code <dependency>_unavailable}.
 */
public final class DependencyUnavailableException extends RuntimeException {
  public static final String DATABASE = "database";
  public static final String REDIS = "redis";
  private final String dependency;

  public DependencyUnavailableException(String dependency, Throwable cause) {
    super(dependency + " unavailable: " + cause, cause, false, false);
    this.dependency = dependency;
  }

  public String dependency() {
    return dependency;
  }
}
