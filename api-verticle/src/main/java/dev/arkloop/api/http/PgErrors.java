package dev.arkloop.api.http;

import io.vertx.pgclient.PgException;

/** Reads PostgreSQL failures that handlers turn into API errors. */
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
}
