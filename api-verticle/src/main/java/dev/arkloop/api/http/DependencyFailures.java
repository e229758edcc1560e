package dev.arkloop.api.http;

import dev.arkloop.common.db.DatabaseFailures;
import dev.arkloop.common.db.DatabaseUrl;
import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.error.DependencyUnavailableException;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.ClosedConnectionException;
import java.net.ConnectException;

/**
 * Tells a failure caused by an unreachable PostgreSQL or Redis from a bug. Redis failures arrive
 * already marked ({@link DependencyUnavailableException}); PostgreSQL ones are recognised by type: a
 * closed pooled connection, no pooled connection free in time, a connection-class or shutdown SQLSTATE,
 * or a refused or timed-out
 * connect to the database's own address (not to any other host the request may have called).
 */
public final class DependencyFailures {
  private final DatabaseUrl database;

  public DependencyFailures(DatabaseUrl database) {
    this.database = database;
  }

  /** {@code database} or {@code redis} when {@code failure} means that one is unreachable, else null. */
  String unavailable(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof DependencyUnavailableException outage) {
        return outage.dependency();
      }
      if (cause instanceof ClosedConnectionException || DatabaseFailures.poolTimedOut(cause)
          || (cause instanceof PgException pg && pg.getSqlState() != null
              && (pg.getSqlState().startsWith("08") || pg.getSqlState().startsWith("57P")))
          || (database != null && isConnectFailure(cause) && String.valueOf(cause.getMessage())
              .endsWith(":" + database.port()))) {
        return DependencyUnavailableException.DATABASE;
      }
    }
    return null;
  }

  private static boolean isConnectFailure(Throwable cause) {
    return cause instanceof ConnectException || cause instanceof io.netty.channel.ConnectTimeoutException;
  }

  /** 503 {@code unavailable}, {@code details.reason} {@code <dependency>_unavailable}, retry after 1 s. */
  static ApiException refusal(String dependency) {
    String name = DependencyUnavailableException.DATABASE.equals(dependency) ? "the database" : "Redis";
    return new ApiException(503, "unavailable", name + " is unreachable; retry shortly",
        new JsonObject().put("reason", dependency + "_unavailable").put("retry_after_seconds", 1));
  }

  static String rootCause(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.toString();
  }
}
