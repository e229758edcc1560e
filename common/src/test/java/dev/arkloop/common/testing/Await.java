package dev.arkloop.common.testing;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Blocks a test thread (never an event loop) on a future, with a bound. */
public final class Await {
  private Await() {}

  public static <T> T await(Future<T> future) {
    return await(future, 30);
  }

  public static <T> T await(Future<T> future, int seconds) {
    try {
      return future.await(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("timed out after " + seconds + " s", e);
    }
  }

  /**
   * Starts {@code call} on {@code context}, as a verticle would. A chain of futures started from a
   * test thread races the event loop: a response may be read before the handler that wants it is set.
   */
  public static <T> Future<T> onContext(Context context, Supplier<Future<T>> call) {
    Promise<T> done = Promise.promise();
    context.runOnContext(v -> call.get().onComplete(done));
    return done.future();
  }

  /** Polls {@code condition} from a test thread until it holds, failing after {@code seconds}. */
  public static void until(String what, int seconds, BooleanSupplier condition) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + seconds + " s waiting for " + what);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what, e);
      }
    }
  }
}
