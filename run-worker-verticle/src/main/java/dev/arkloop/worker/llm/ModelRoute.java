package dev.arkloop.worker.llm;

/**
 * A model a run may call: the route's id, the provider account's name and kind, the model name, a
 * client for it, and its prices (for usage cost).
 */
public record ModelRoute(String routeId, String providerName, String providerKind, String model, LlmProvider client,
    Prices prices) {

  /** USD per 1,000 tokens, times a multiplier. */
  public record Prices(double input, double output, double cacheWrite, double cacheRead, double multiplier) {
    public static final Prices FREE = new Prices(0, 0, 0, 0, 1);

    public double cost(LlmTurn.Usage usage) {
      return multiplier * (usage.inputTokens() * input + usage.outputTokens() * output
          + usage.cacheWriteTokens() * cacheWrite + usage.cacheReadTokens() * cacheRead) / 1000.0;
    }
  }
}
