package dev.arkloop.api.gateway;

import static dev.arkloop.api.http.Permissions.PLATFORM_ADMIN;

import dev.arkloop.api.audit.AuditTrail;
import dev.arkloop.api.auth.Cidr;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Predicate;

/** {@code /v1/admin/gateway-config} and {@code /v1/admin/access-log}. */
public final class GatewayAdminRoutes {
  private final GatewayConfigStore configs;
  private final AccessLog accessLog;

  public GatewayAdminRoutes(GatewayConfigStore configs, AccessLog accessLog) {
    this.configs = configs;
    this.accessLog = accessLog;
  }

  public void mount(Routes routes) {
    routes.get("/v1/admin/gateway-config").requires(PLATFORM_ADMIN)
        .respond(ctx -> configs.load().map(GatewayConfigStore.Config::toJson));
    routes.put("/v1/admin/gateway-config").requires(PLATFORM_ADMIN).audit("gateway_config.update")
        .respond(this::update);
    routes.get("/v1/admin/access-log").requires(PLATFORM_ADMIN).respond(this::accessLog);
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    return configs.load().compose(before -> {
      String mode = Fields.oneOf("ip_mode", body.optionalString("ip_mode"), "direct", "proxy", "cdn");
      List<String> cidrs = body.optionalStringList("trusted_cidrs");
      if (cidrs != null) {
        cidrs = cidrs.stream().map(String::trim).toList();
        for (String cidr : cidrs) {
          if (Cidr.parse(cidr) == null) {
            throw ApiException.invalid("trusted_cidrs", "trusted_cidrs must hold IPv4 or IPv6 CIDRs: " + cidr);
          }
        }
      }
      Double threshold = body.optionalDouble("risk_reject_threshold");
      if (threshold != null && (threshold < 0 || threshold > 1 || threshold.isNaN())) {
        throw ApiException.invalid("risk_reject_threshold", "risk_reject_threshold must be between 0 and 1");
      }
      AuditTrail.before(ctx, before.toJson());
      return configs.save(GatewayConfigStore.Config.of(mode == null ? before.ipMode() : mode,
          cidrs == null ? before.trustedCidrs() : cidrs,
          threshold == null ? before.riskRejectThreshold() : threshold)).map(GatewayConfigStore.Config::toJson);
    });
  }

  private Future<JsonObject> accessLog(RoutingContext ctx) {
    int limit = Params.limit(ctx, 50, 200);
    String before = Params.query(ctx, "before");
    if (before != null && !before.matches("\\d{1,20}-\\d{1,20}")) {
      throw ApiException.invalid("before", "before must be an access-log entry id");
    }
    Predicate<JsonObject> filter = entry -> true;
    String since = Params.query(ctx, "since");
    if (since != null) {
      Instant from;
      try {
        from = Instant.parse(since);
      } catch (DateTimeParseException e) {
        throw ApiException.invalid("since", "since must be an RFC 3339 time");
      }
      filter = filter.and(entry -> !Instant.parse(entry.getString("timestamp")).isBefore(from));
    }
    String method = Params.query(ctx, "method");
    if (method != null) {
      filter = filter.and(entry -> method.equalsIgnoreCase(entry.getString("method")));
    }
    String path = Params.query(ctx, "path");
    if (path != null) {
      filter = filter.and(entry -> entry.getString("path", "").startsWith(path));
    }
    String ip = Params.query(ctx, "ip");
    if (ip != null) {
      filter = filter.and(entry -> ip.equals(entry.getString("client_ip")));
    }
    String country = Params.query(ctx, "country");
    if (country != null) {
      filter = filter.and(entry -> country.equalsIgnoreCase(entry.getString("country")));
    }
    String uaType = Fields.oneOf("ua_type", Params.query(ctx, "ua_type"), "browser", "cli", "sdk", "bot", "unknown");
    if (uaType != null) {
      filter = filter.and(entry -> uaType.equals(entry.getString("ua_type")));
    }
    String riskMin = Params.query(ctx, "risk_min");
    if (riskMin != null) {
      double min;
      try {
        min = Double.parseDouble(riskMin);
      } catch (NumberFormatException e) {
        throw ApiException.invalid("risk_min", "risk_min must be a number between 0 and 1");
      }
      filter = filter.and(entry -> entry.getDouble("risk_score", 0.0) >= min);
    }
    return accessLog.page(before, limit, filter);
  }
}
