package dev.arkloop.worker.llm;

/** Receives a turn's output as it streams. */
public interface LlmListener {

  void onText(String delta);

  default void onThinking(String delta) {}
}
