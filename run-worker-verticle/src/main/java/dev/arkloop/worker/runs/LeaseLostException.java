package dev.arkloop.worker.runs;

/** This worker no longer holds the run's job lease: another writer owns the run now. */
final class LeaseLostException extends RuntimeException {
  LeaseLostException() {
    super("job lease lost", null, false, false);
  }
}
