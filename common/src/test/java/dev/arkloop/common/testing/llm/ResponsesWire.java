package dev.arkloop.common.testing.llm;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** The frames of an OpenAI Responses API stream: named events whose data repeats the name in {@code type}. */
public final class ResponsesWire {
  private final List<String> frames = new ArrayList<>();
  private int sequence;
  private int outputIndex;

  public static ResponsesWire stream() {
    ResponsesWire wire = new ResponsesWire();
    JsonObject response = new JsonObject().put("id", "resp_fake").put("object", "response").put("status", "in_progress")
        .put("model", "gpt-fake").put("output", new JsonArray());
    wire.event("response.created", new JsonObject().put("response", response));
    wire.event("response.in_progress", new JsonObject().put("response", response));
    return wire;
  }

  public static List<String> answer(long inputTokens, long outputTokens, String... pieces) {
    return stream().text(pieces).completed(inputTokens, outputTokens, 0);
  }

  /** A message output item streaming the given text pieces. */
  public ResponsesWire text(String... pieces) {
    int index = outputIndex++;
    String itemId = "msg_" + index;
    event("response.output_item.added", new JsonObject().put("output_index", index).put("item", new JsonObject()
        .put("id", itemId).put("type", "message").put("status", "in_progress").put("role", "assistant")
        .put("content", new JsonArray())));
    event("response.content_part.added", new JsonObject().put("item_id", itemId).put("output_index", index)
        .put("content_index", 0).put("part", new JsonObject().put("type", "output_text").put("text", "")));
    StringBuilder all = new StringBuilder();
    for (String piece : pieces) {
      all.append(piece);
      event("response.output_text.delta", new JsonObject().put("item_id", itemId).put("output_index", index)
          .put("content_index", 0).put("delta", piece));
    }
    event("response.output_text.done", new JsonObject().put("item_id", itemId).put("output_index", index)
        .put("content_index", 0).put("text", all.toString()));
    event("response.output_item.done", new JsonObject().put("output_index", index).put("item", new JsonObject()
        .put("id", itemId).put("type", "message").put("status", "completed").put("role", "assistant")
        .put("content", new JsonArray().add(new JsonObject().put("type", "output_text").put("text", all.toString())))));
    return this;
  }

  /** A reasoning item whose summary streams the given pieces. */
  public ResponsesWire reasoning(String... pieces) {
    int index = outputIndex++;
    String itemId = "rs_" + index;
    event("response.output_item.added", new JsonObject().put("output_index", index).put("item", new JsonObject()
        .put("id", itemId).put("type", "reasoning").put("summary", new JsonArray())));
    for (String piece : pieces) {
      event("response.reasoning_summary_text.delta", new JsonObject().put("item_id", itemId).put("output_index", index)
          .put("summary_index", 0).put("delta", piece));
    }
    return this;
  }

  /** A function call whose arguments stream in the given fragments. */
  public ResponsesWire functionCall(String callId, String name, String... argumentFragments) {
    int index = outputIndex++;
    String itemId = "fc_" + index;
    event("response.output_item.added", new JsonObject().put("output_index", index).put("item", new JsonObject()
        .put("id", itemId).put("type", "function_call").put("status", "in_progress").put("arguments", "")
        .put("call_id", callId).put("name", name)));
    StringBuilder all = new StringBuilder();
    for (String fragment : argumentFragments) {
      all.append(fragment);
      event("response.function_call_arguments.delta", new JsonObject().put("item_id", itemId)
          .put("output_index", index).put("delta", fragment));
    }
    event("response.function_call_arguments.done", new JsonObject().put("item_id", itemId).put("output_index", index)
        .put("arguments", all.toString()));
    event("response.output_item.done", new JsonObject().put("output_index", index).put("item", new JsonObject()
        .put("id", itemId).put("type", "function_call").put("status", "completed").put("arguments", all.toString())
        .put("call_id", callId).put("name", name)));
    return this;
  }

  public List<String> completed(long inputTokens, long outputTokens, long cachedTokens) {
    event("response.completed", new JsonObject().put("response", new JsonObject().put("id", "resp_fake")
        .put("object", "response").put("status", "completed").put("usage", new JsonObject()
            .put("input_tokens", inputTokens)
            .put("input_tokens_details", new JsonObject().put("cached_tokens", cachedTokens))
            .put("output_tokens", outputTokens)
            .put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0))
            .put("total_tokens", inputTokens + outputTokens))));
    return frames();
  }

  /** The {@code error} event the API sends when a stream fails. */
  public ResponsesWire error(String code, String message) {
    return event("error", new JsonObject().put("code", code).put("message", message).putNull("param"));
  }

  public ResponsesWire raw(String frame) {
    frames.add(frame);
    return this;
  }

  public List<String> frames() {
    return new ArrayList<>(frames);
  }

  private ResponsesWire event(String type, JsonObject data) {
    JsonObject payload = new JsonObject().put("type", type).put("sequence_number", sequence++);
    payload.mergeIn(data);
    frames.add("event: " + type + "\ndata: " + payload.encode() + "\n\n");
    return this;
  }
}
