package dev.arkloop.common.db;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import java.util.Arrays;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads PostgreSQL failures, so a repository can turn the constraint violations it expects into the
 * domain's refusals: {@code .recover(PgErrors.onUnique(() -> DomainException.fieldConflict(...), "threads_title_key"))}.
 */
public final class PgErrors {
  private PgErrors() {}

  /** True when {@code failure} is a unique violation, of {@code constraint} if given. */
  public static boolean uniqueViolation(Throwable failure, String constraint) {
    return failure instanceof PgException pg && "23505".equals(pg.getSqlState())
        && (constraint == null || (pg.getConstraint() != null && pg.getConstraint().equals(constraint))
            || (pg.getErrorMessage() != null && pg.getErrorMessage().contains(constraint)));
  }

  public static boolean foreignKeyViolation(Throwable failure) {
    return failure instanceof PgException pg && "23503".equals(pg.getSqlState());
  }

  /**
   * For {@code recover}: a unique violation of one of {@code constraints} (of any, when none are named)
   * fails with {@code refusal} instead; any other failure passes through.
   */
  public static <T> Function<Throwable, Future<T>> onUnique(Supplier<? extends RuntimeException> refusal,
      String... constraints) {
    return failure -> {
      boolean matches = constraints.length == 0 ? uniqueViolation(failure, null)
          : Arrays.stream(constraints).anyMatch(constraint -> uniqueViolation(failure, constraint));
      return Future.failedFuture(matches ? refusal.get() : failure);
    };
  }

  /** For {@code recover}: a foreign-key violation (the row referred to is gone) fails with {@code refusal} instead. */
  public static <T> Function<Throwable, Future<T>> onForeignKey(Supplier<? extends RuntimeException> refusal) {
    return failure -> Future.failedFuture(foreignKeyViolation(failure) ? refusal.get() : failure);
  }
}
