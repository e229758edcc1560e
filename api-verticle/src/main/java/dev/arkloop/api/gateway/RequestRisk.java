package dev.arkloop.api.gateway;

import java.util.Locale;

/**
 * The user-agent class and the risk score of a request. The score adds up explicit signals, capped
 * at 1:
 * <ul>
 *   <li>a bot user agent (crawler, spider, bot, headless browser, scraping libraries): +0.6
 *   <li>no user agent at all: +0.4
 *   <li>authentication failures (401) from the address in the last 5 minutes: +0.05 each, at most +0.4
 *   <li>rate-limit refusals of the address in the last minute: +0.1 each, at most +0.3
 * </ul>
 */
final class RequestRisk {
  private RequestRisk() {}

  static String userAgentClass(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return "unknown";
    }
    String ua = userAgent.toLowerCase(Locale.ROOT);
    if (ua.contains("bot") || ua.contains("crawler") || ua.contains("spider") || ua.contains("headless")
        || ua.contains("scrapy") || ua.contains("python-requests")) {
      return "bot";
    }
    if (ua.startsWith("curl/") || ua.startsWith("wget/") || ua.startsWith("httpie/") || ua.contains("arkloop-cli")) {
      return "cli";
    }
    if (ua.contains("sdk") || ua.startsWith("okhttp") || ua.startsWith("axios") || ua.startsWith("node-fetch")
        || ua.startsWith("go-http-client") || ua.startsWith("java-http-client") || ua.startsWith("vert.x")
        || ua.startsWith("python-httpx") || ua.startsWith("aiohttp")) {
      return "sdk";
    }
    if (ua.startsWith("mozilla/")) {
      return "browser";
    }
    return "unknown";
  }

  static double score(String userAgent, String uaClass, long authFailures, long rateLimitHits) {
    double score = 0;
    if (userAgent == null || userAgent.isBlank()) {
      score += 0.4;
    } else if (uaClass.equals("bot")) {
      score += 0.6;
    }
    score += Math.min(0.4, 0.05 * authFailures);
    score += Math.min(0.3, 0.1 * rateLimitHits);
    return Math.min(1.0, Math.round(score * 100) / 100.0);
  }
}
