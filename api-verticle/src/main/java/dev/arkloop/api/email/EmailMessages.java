package dev.arkloop.api.email;

import dev.arkloop.common.mail.EmailMessage;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** The texts of the mails the API sends. */
final class EmailMessages {
  private EmailMessages() {}

  static EmailMessage verification(String to, String token, String appBaseUrl, long ttlHours) {
    String action = appBaseUrl == null
        ? "Your verification token is:\n\n    " + token + "\n"
        : "Open this link to confirm it:\n\n    " + trimSlash(appBaseUrl) + "/verify-email?token="
            + URLEncoder.encode(token, StandardCharsets.UTF_8) + "\n";
    return new EmailMessage(to, "Confirm your email address for Arkloop",
        "Please confirm that this address belongs to your Arkloop account.\n\n" + action
            + "\nIt is valid for " + ttlHours + " hours. If you did not ask for this, ignore this mail.\n");
  }

  static EmailMessage signInCode(String to, String code, long ttlMinutes) {
    return new EmailMessage(to, "Your Arkloop sign-in code: " + code,
        "Your Arkloop sign-in code is:\n\n    " + code + "\n\nIt expires in " + ttlMinutes
            + " minutes. If you did not try to sign in, ignore this mail; nobody can sign in without the code.\n");
  }

  static EmailMessage test(String to) {
    return new EmailMessage(to, "Arkloop test mail", "This is a test mail from your Arkloop server. "
        + "If you can read it, outgoing mail works.\n");
  }

  private static String trimSlash(String url) {
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }
}
