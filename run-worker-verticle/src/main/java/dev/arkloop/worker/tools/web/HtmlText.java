package dev.arkloop.worker.tools.web;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reduces an HTML page to readable text for a model: no scripts, styles, comments or tags. */
final class HtmlText {
  private static final Pattern HIDDEN = Pattern.compile(
      "(?is)<(script|style|noscript|template|svg|head)\\b[^>]*>.*?</\\1\\s*>|<!--.*?-->");
  private static final Pattern BREAKS = Pattern.compile("(?i)<(br|/p|/div|/li|/h[1-6]|/tr|/section|/article)\\b[^>]*>");
  private static final Pattern TAGS = Pattern.compile("(?s)<[^>]*>");
  private static final Pattern TITLE = Pattern.compile("(?is)<title\\b[^>]*>(.*?)</title\\s*>");
  private static final Pattern ENTITY = Pattern.compile("&(#x[0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]{2,8});");

  private HtmlText() {}

  static String title(String html) {
    Matcher matcher = TITLE.matcher(html);
    return matcher.find() ? decode(matcher.group(1)).strip() : null;
  }

  static String text(String html) {
    String text = HIDDEN.matcher(html).replaceAll(" ");
    text = BREAKS.matcher(text).replaceAll("\n");
    text = TAGS.matcher(text).replaceAll(" ");
    text = decode(text);
    return text.replaceAll("[ \\t\\x0B\\f\\r]+", " ").replaceAll(" *\\n[ \\n]*", "\n").strip();
  }

  static String decode(String text) {
    Matcher matcher = ENTITY.matcher(text);
    StringBuilder out = new StringBuilder();
    while (matcher.find()) {
      matcher.appendReplacement(out, Matcher.quoteReplacement(entity(matcher.group(1), matcher.group())));
    }
    matcher.appendTail(out);
    return out.toString();
  }

  private static String entity(String name, String raw) {
    try {
      if (name.startsWith("#x") || name.startsWith("#X")) {
        return new String(Character.toChars(Integer.parseInt(name.substring(2), 16)));
      }
      if (name.startsWith("#")) {
        return new String(Character.toChars(Integer.parseInt(name.substring(1))));
      }
    } catch (IllegalArgumentException e) {
      return raw;
    }
    return switch (name) {
      case "amp" -> "&";
      case "lt" -> "<";
      case "gt" -> ">";
      case "quot" -> "\"";
      case "apos" -> "'";
      case "nbsp" -> " ";
      default -> raw;
    };
  }
}
