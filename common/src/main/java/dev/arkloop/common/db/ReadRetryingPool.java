package dev.arkloop.common.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PrepareOptions;
import io.vertx.sqlclient.PreparedQuery;
import io.vertx.sqlclient.Query;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import io.vertx.sqlclient.impl.SqlClientInternal;
import io.vertx.sqlclient.spi.Driver;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collector;

/**
 * The node's pool, with one difference: a read ({@code SELECT}) sent on a pooled connection that
 * turned out to be dead (the server restarted, or ended the session, before the pool heard of it)
 * is sent again, on another connection, after a short pause in which the pool hears of the other
 * connections that died with it (at most {@link #RETRIES} times, so a database that is really down
 * fails fast). A read has no effect to repeat. Writes, and everything inside
 * {@link #withTransaction}, are never repeated: whether they took effect is unknown.
 */
final class ReadRetryingPool implements Pool, SqlClientInternal {
  static final int RETRIES = 3;
  private static final long PAUSE_MS = 25;
  private final Vertx vertx;
  private final Pool pool;

  ReadRetryingPool(Vertx vertx, Pool pool) {
    this.vertx = vertx;
    this.pool = pool;
  }

  /** Whether the statement starts with the word SELECT; without a regex, as it runs for every statement. */
  static boolean isRead(String sql) {
    int start = 0;
    while (start < sql.length() && Character.isWhitespace(sql.charAt(start))) {
      start++;
    }
    int end = start + 6;
    return sql.regionMatches(true, start, "SELECT", 0, 6)
        && (end == sql.length() || !(Character.isLetterOrDigit(sql.charAt(end)) || sql.charAt(end) == '_'));
  }

  @Override
  public Future<SqlConnection> getConnection() {
    return pool.getConnection();
  }

  @Override
  public Query<RowSet<Row>> query(String sql) {
    return isRead(sql) ? new RetriedQuery<>(pool.query(sql)) : pool.query(sql);
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql) {
    return isRead(sql) ? new RetriedPreparedQuery<>(pool.preparedQuery(sql)) : pool.preparedQuery(sql);
  }

  @Override
  public PreparedQuery<RowSet<Row>> preparedQuery(String sql, PrepareOptions options) {
    return isRead(sql) ? new RetriedPreparedQuery<>(pool.preparedQuery(sql, options))
        : pool.preparedQuery(sql, options);
  }

  /** For {@code SqlTemplate}, which renders its parameters with the driver. */
  @Override
  public Driver driver() {
    return ((SqlClientInternal) pool).driver();
  }

  @Override
  public void group(io.vertx.core.Handler<io.vertx.sqlclient.SqlClient> block) {
    ((SqlClientInternal) pool).group(block);
  }

  @Override
  public int size() {
    return pool.size();
  }

  @Override
  public Future<Void> close() {
    return pool.close();
  }

  private <T> Future<T> retried(Supplier<Future<T>> execution) {
    return retried(execution, 1);
  }

  private <T> Future<T> retried(Supplier<Future<T>> execution, int attempt) {
    return execution.get().recover(failure -> attempt <= RETRIES && DatabaseFailures.closedConnection(failure)
        ? vertx.timer(PAUSE_MS * attempt, TimeUnit.MILLISECONDS).compose(t -> retried(execution, attempt + 1))
        : Future.failedFuture(failure));
  }

  private final class RetriedQuery<T> implements Query<T> {
    private final Query<T> query;

    RetriedQuery(Query<T> query) {
      this.query = query;
    }

    @Override
    public Future<T> execute() {
      return retried(query::execute);
    }

    @Override
    public <R> Query<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
      return new RetriedQuery<>(query.collecting(collector));
    }

    @Override
    public <U> Query<RowSet<U>> mapping(Function<Row, U> mapper) {
      return new RetriedQuery<>(query.mapping(mapper));
    }
  }

  private final class RetriedPreparedQuery<T> implements PreparedQuery<T> {
    private final PreparedQuery<T> query;

    RetriedPreparedQuery(PreparedQuery<T> query) {
      this.query = query;
    }

    @Override
    public Future<T> execute() {
      return retried(query::execute);
    }

    @Override
    public Future<T> execute(Tuple tuple) {
      return retried(() -> query.execute(tuple));
    }

    @Override
    public Future<T> executeBatch(List<Tuple> batch) {
      return retried(() -> query.executeBatch(batch));
    }

    @Override
    public <R> PreparedQuery<SqlResult<R>> collecting(Collector<Row, ?, R> collector) {
      return new RetriedPreparedQuery<>(query.collecting(collector));
    }

    @Override
    public <U> PreparedQuery<RowSet<U>> mapping(Function<Row, U> mapper) {
      return new RetriedPreparedQuery<>(query.mapping(mapper));
    }
  }
}
