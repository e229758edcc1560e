package dev.arkloop.common.mail;

import io.vertx.core.json.JsonObject;

/**
 * A plain-text mail as it travels in an {@code email.send} job: the API enqueues it in its own
 * transaction, a worker delivers it over SMTP and then scrubs the body from the job row (it may hold
 * a sign-in code or a verification link).
 */
public record EmailMessage(String to, String subject, String text) {
  public static final String JOB_TYPE = "email.send";
  public static final int PAYLOAD_VERSION = 1;
  /** What replaces the body in the job row once it was delivered or given up on. */
  public static final String SCRUBBED = "[removed after delivery]";

  public JsonObject toJson() {
    return new JsonObject().put("to", to).put("subject", subject).put("text", text);
  }

  /** Reads a payload; null when a required field is missing (such a job can never be sent). */
  public static EmailMessage fromJson(JsonObject json) {
    if (json == null || !(json.getValue("to") instanceof String to) || to.isBlank()
        || !(json.getValue("subject") instanceof String subject) || !(json.getValue("text") instanceof String text)) {
      return null;
    }
    return new EmailMessage(to, subject, text);
  }

  /** Never the body: this is what may be logged. */
  @Override
  public String toString() {
    return "EmailMessage[to=" + to + ", subject=" + subject + "]";
  }
}
