package dev.arkloop.worker.runs;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Set;

/**
 * Reads a human's answer to a tool approval: {@code approve} / {@code deny} (also yes/no, allow,
 * approved, ...), or JSON {@code {"decision": "approve"}}. Anything not clearly an approval denies.
 */
final class ApprovalDecision {
  private static final Set<String> YES = Set.of("approve", "approved", "allow", "yes", "y", "ok", "true");

  private ApprovalDecision() {}

  static boolean approved(String content) {
    String text = content == null ? "" : content.trim();
    if (text.startsWith("{")) {
      try {
        Object decision = new JsonObject(text).getValue("decision");
        text = decision == null ? "" : String.valueOf(decision);
      } catch (DecodeException e) {
        return false;
      }
    }
    return YES.contains(text.toLowerCase(Locale.ROOT));
  }
}
