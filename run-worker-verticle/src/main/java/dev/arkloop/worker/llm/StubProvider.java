package dev.arkloop.worker.llm;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The built-in offline model. It streams a deterministic reply derived from the conversation, one
 * token per delay, and reports token usage. For demos and tests it obeys directives in the last
 * user message:
 * <ul>
 *   <li>{@code /echo TEXT} calls the {@code echo} tool with {@code {"text": TEXT}}</li>
 *   <li>{@code /ask PROMPT} calls {@code ask_user}, pausing the run for input</li>
 *   <li>{@code /fail CLASS} fails the call with that error class (e.g. {@code provider.rate_limited})</li>
 *   <li>{@code /tokens N} replies with exactly N tokens; {@code /delay MS} sets the per-token delay</li>
 *   <li>{@code /tool NAME {json}} calls any tool with those JSON arguments (the object may contain
 *       {@code /}); several {@code /tool} directives make several calls in one turn</li>
 *   <li>{@code /think TEXT} streams TEXT as reasoning ({@code onThinking}) before the reply</li>
 * </ul>
 */
public final class StubProvider implements LlmProvider {
  public static final String MODEL = "stub-1";
  private static final Pattern DIRECTIVE = Pattern.compile("/(echo|ask|fail|tokens|delay|think)\\b\\s*([^/]*)");
  private static final Pattern TOOL = Pattern.compile("/tool\\s+([A-Za-z0-9_.-]+)\\s*");
  private final Vertx vertx;
  private final int defaultDelayMs;

  public StubProvider(Vertx vertx, int defaultDelayMs) {
    this.vertx = vertx;
    this.defaultDelayMs = defaultDelayMs;
  }

  @Override
  public Future<LlmTurn> stream(LlmRequest request, LlmListener listener, Future<Void> cancel) {
    JsonArray messages = request.messages();
    JsonObject last = messages.isEmpty() ? new JsonObject() : messages.getJsonObject(messages.size() - 1);
    long inputTokens = countTokens(messages);
    int delay = defaultDelayMs;
    Integer tokenCount = null;
    List<LlmTurn.ToolCall> calls = new ArrayList<>();
    String thinking = null;
    String reply;
    if ("tool".equals(last.getString("role"))) {
      reply = "Tool " + last.getString("name") + " returned: " + last.getString("content");
    } else {
      String text = last.getString("content", "");
      String callPrefix = "call_" + Integer.toHexString((text + messages.size()).hashCode() & 0x7fffffff);
      text = toolDirectives(text, callPrefix, calls);
      Matcher directive = DIRECTIVE.matcher(text);
      String toolArgument = null;
      String toolName = null;
      while (directive.find()) {
        String argument = directive.group(2).trim();
        switch (directive.group(1)) {
          case "fail" -> {
            String errorClass = argument.isEmpty() ? "provider.error" : argument.split("\\s+")[0];
            return Future.failedFuture(new LlmException(errorClass, "stub failure requested", false));
          }
          case "tokens" -> tokenCount = parse(argument, 5);
          case "delay" -> delay = parse(argument, defaultDelayMs);
          case "echo" -> {
            toolName = "echo";
            toolArgument = argument;
          }
          case "ask" -> {
            toolName = "ask_user";
            toolArgument = argument;
          }
          case "think" -> thinking = argument;
          default -> { }
        }
      }
      if (!calls.isEmpty() && toolName == null) {
        reply = "Calling " + calls.get(0).name() + ".";
      } else if (toolName != null) {
        String callId = callPrefix;
        JsonObject arguments = toolName.equals("echo")
            ? new JsonObject().put("text", toolArgument)
            : new JsonObject().put("prompt", toolArgument.isEmpty() ? "Please answer" : toolArgument);
        calls.add(new LlmTurn.ToolCall(callId, toolName, arguments));
        reply = toolName.equals("echo") ? "Calling echo." : "I need your input.";
      } else {
        reply = "You said: " + text.replaceAll(DIRECTIVE.pattern(), "").trim();
      }
    }
    List<String> tokens = tokens(reply, tokenCount);
    Promise<LlmTurn> done = Promise.promise();
    cancel.onComplete(c -> done.tryFail(LlmException.cancelled()));
    if (thinking != null && !thinking.isEmpty()) {
      listener.onThinking(thinking);
    }
    emit(tokens, 0, delay, listener, done, new LlmTurn(String.join("", tokens), calls,
        new LlmTurn.Usage(inputTokens, tokens.size(), 0, 0)));
    return done.future();
  }

  private void emit(List<String> tokens, int index, int delay, LlmListener listener, Promise<LlmTurn> done,
      LlmTurn turn) {
    if (done.future().isComplete()) {
      return;
    }
    if (index == tokens.size()) {
      done.tryComplete(turn);
      return;
    }
    listener.onText(tokens.get(index));
    if (delay == 0) {
      vertx.runOnContext(v -> emit(tokens, index + 1, delay, listener, done, turn));
    } else {
      vertx.setTimer(delay, t -> emit(tokens, index + 1, delay, listener, done, turn));
    }
  }

  /** Takes the {@code /tool NAME {json}} directives out of the text, adding their calls. */
  static String toolDirectives(String text, String callPrefix, List<LlmTurn.ToolCall> calls) {
    StringBuilder rest = new StringBuilder();
    Matcher tool = TOOL.matcher(text);
    int from = 0;
    while (tool.find(from)) {
      rest.append(text, from, tool.start());
      int start = tool.end();
      int end = start < text.length() && text.charAt(start) == '{' ? objectEnd(text, start) : start;
      JsonObject arguments;
      try {
        arguments = end > start ? new JsonObject(text.substring(start, end)) : new JsonObject();
      } catch (RuntimeException e) {
        arguments = new JsonObject();
      }
      calls.add(new LlmTurn.ToolCall(callPrefix + (calls.isEmpty() ? "" : "_" + calls.size()), tool.group(1),
          arguments));
      from = end;
    }
    rest.append(text.substring(from));
    return rest.toString();
  }

  /** The index after the JSON object starting at {@code start} (brace matching outside strings). */
  private static int objectEnd(String text, int start) {
    int depth = 0;
    boolean inString = false;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (inString) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          inString = false;
        }
      } else if (c == '"') {
        inString = true;
      } else if (c == '{') {
        depth++;
      } else if (c == '}' && --depth == 0) {
        return i + 1;
      }
    }
    return text.length();
  }

  /** Words with their trailing space; padded or cut to {@code count} when given. */
  static List<String> tokens(String text, Integer count) {
    List<String> words = new ArrayList<>();
    for (String word : text.split(" ")) {
      if (!word.isEmpty()) {
        words.add(words.isEmpty() ? word : " " + word);
      }
    }
    if (count == null) {
      return words;
    }
    List<String> exact = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      exact.add(i < words.size() ? words.get(i) : " tok" + i);
    }
    return exact;
  }

  private static long countTokens(JsonArray messages) {
    long count = 0;
    for (int i = 0; i < messages.size(); i++) {
      String content = messages.getJsonObject(i).getString("content", "");
      count += content.isBlank() ? 0 : content.trim().split("\\s+").length;
    }
    return count;
  }

  private static int parse(String value, int fallback) {
    try {
      return Math.max(0, Integer.parseInt(value.trim().split("\\s+")[0]));
    } catch (RuntimeException e) {
      return fallback;
    }
  }
}
