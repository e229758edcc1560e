package dev.arkloop.common.db;

import io.vertx.core.VertxException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * Tells a database that is away (refusing connections, restarting, a connection that died with it)
 * from a statement that failed on its own merits: the first kind is worth trying again once the
 * database answers, the second never is.
 */
public final class DatabaseFailures {
  private DatabaseFailures() {}

  /**
   * True when the connection under the statement was gone: closed or reset by the server (a restart,
   * a terminated session). The statement then either never ran or ran on a session that no longer
   * exists; a read can simply be sent again. A refused connection is not one: the server is down.
   */
  public static boolean closedConnection(Throwable failure) {
    return anyCause(failure, cause -> cause instanceof ClosedConnectionException
        || (cause instanceof IOException && !(cause instanceof ConnectException))
        || (cause instanceof VertxException && String.valueOf(cause.getMessage()).startsWith("Connection is not active"))
        || (cause instanceof DatabaseException database && lostSession(database.getSqlState())));
  }

  /**
   * True when PostgreSQL could not be reached or answered in time: a closed or refused connection, the server
   * starting up or shutting down (57P01–57P03), too many connections (53300, a restarted server's
   * clients all coming back at once), or a deadline (the pool's or a statement's).
   */
  public static boolean unavailable(Throwable failure) {
    return closedConnection(failure) || anyCause(failure, cause -> cause instanceof ConnectException
        || cause instanceof TimeoutException || poolTimedOut(cause)
        || (cause instanceof DatabaseException database && unavailableState(database.getSqlState())));
  }

  /**
   * True for the pool's own refusal: no connection became free within the pool's connection timeout
   * (every connection busy on a saturated database). Vert.x reports it as a bare {@link VertxException}.
   */
  public static boolean poolTimedOut(Throwable cause) {
    return cause instanceof VertxException
        && ("Timeout waiting for connection".equals(cause.getMessage()) || "Timeout".equals(cause.getMessage()));
  }

  private static boolean lostSession(String state) {
    return state != null && (state.startsWith("08") || state.equals("57P01") || state.equals("57P02"));
  }

  private static boolean unavailableState(String state) {
    return state != null && (state.startsWith("08") || state.startsWith("57P") || state.equals("53300"));
  }

  private static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
    int depth = 0;
    for (Throwable cause = failure; cause != null && depth < 16; cause = cause.getCause(), depth++) {
      if (test.test(cause)) {
        return true;
      }
    }
    return false;
  }
}
