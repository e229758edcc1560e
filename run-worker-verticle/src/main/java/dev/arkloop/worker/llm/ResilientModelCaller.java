package dev.arkloop.worker.llm;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Calls the run's routes in order. A retryable failure (429, 5xx, connection, timeout) is retried on
 * the same route with exponential backoff, or after the provider's {@code Retry-After}, reported as
 * {@code run.llm.retry}; when the route's attempts are spent the next route is tried, reported as
 * {@code run.provider_fallback}. A route that answered stays the run's route for later calls.
 *
 * <p>A call that already streamed output is never retried nor moved: its text went out as
 * {@code message.delta} events that clients have shown and that are stored, so a second attempt
 * would append a different answer to half of the first. Such a call fails with its error.
 */
public final class ResilientModelCaller implements ModelCaller {

  /** How often and how patiently: attempts per route (the first included) and the backoff base. */
  public record Policy(int maxAttempts, long baseDelayMs) {
    static final long MAX_DELAY_MS = 60_000;

    /** The wait before retry {@code retry} (1 = the first): the provider's wish, else exponential with jitter. */
    long delay(int retry, long retryAfterMs) {
      if (retryAfterMs >= 0) {
        return Math.min(retryAfterMs, MAX_DELAY_MS);
      }
      long exponential = baseDelayMs << Math.min(retry - 1, 20);
      long jitter = exponential == 0 ? 0 : ThreadLocalRandom.current().nextLong(exponential / 5 + 1);
      return Math.min(exponential + jitter, MAX_DELAY_MS);
    }
  }

  private final Vertx vertx;
  private final List<ModelRoute> routes;
  private final Policy policy;
  private final RouteEvents events;
  private int current;

  public ResilientModelCaller(Vertx vertx, List<ModelRoute> routes, Policy policy, RouteEvents events) {
    if (routes.isEmpty()) {
      throw new IllegalArgumentException("a model caller needs at least one route");
    }
    this.vertx = vertx;
    this.routes = List.copyOf(routes);
    this.policy = policy;
    this.events = events;
  }

  @Override
  public ModelRoute current() {
    return routes.get(current);
  }

  @Override
  public Future<LlmTurn> call(LlmRequest request, LlmListener listener, Future<Void> cancel) {
    return attempt(current, 1, request, listener, cancel);
  }

  private Future<LlmTurn> attempt(int index, int attempt, LlmRequest request, LlmListener listener,
      Future<Void> cancel) {
    ModelRoute route = routes.get(index);
    OutputWatch watch = new OutputWatch(listener);
    Future<LlmTurn> call;
    try {
      call = route.client().stream(new LlmRequest(route.model(), request.messages(), request.tools(),
          request.options()), watch, cancel);
    } catch (RuntimeException e) {
      call = Future.failedFuture(e);
    }
    return call.recover(failure -> {
      if (cancel.isComplete() || watch.streamed || !(failure instanceof LlmException error) || !error.retryable()) {
        return Future.failedFuture(failure);
      }
      if (attempt < policy.maxAttempts()) {
        long delay = policy.delay(attempt, error.retryAfterMs());
        events.retry(attempt, delay, error.errorClass());
        return sleep(delay, cancel).compose(v -> attempt(index, attempt + 1, request, listener, cancel));
      }
      if (index + 1 < routes.size()) {
        events.fallback(route, routes.get(index + 1), error.errorClass());
        current = index + 1;
        return attempt(index + 1, 1, request, listener, cancel);
      }
      return Future.failedFuture(failure);
    });
  }

  private Future<Void> sleep(long millis, Future<Void> cancel) {
    Promise<Void> woken = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, millis), id -> woken.tryComplete());
    cancel.onComplete(v -> {
      vertx.cancelTimer(timer);
      woken.tryFail(LlmException.cancelled());
    });
    return woken.future();
  }

  /** Passes output on and remembers whether any went out. */
  private static final class OutputWatch implements LlmListener {
    private final LlmListener listener;
    private boolean streamed;

    OutputWatch(LlmListener listener) {
      this.listener = listener;
    }

    @Override
    public void onText(String delta) {
      streamed = true;
      listener.onText(delta);
    }

    @Override
    public void onThinking(String delta) {
      streamed = true;
      listener.onThinking(delta);
    }
  }
}
