package dev.arkloop.api.usage;

import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.Resource;
import dev.arkloop.api.http.Routes;
import dev.arkloop.api.identity.AccountAccess;
import dev.arkloop.api.identity.AccountRepository;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.Pool;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Usage: {@code /v1/me/usage*} is the caller's own runs in the current account;
 * {@code /v1/accounts/{id}/usage*} is every run of the account ({@code data.usage.read} there, or
 * platform admin).
 */
public final class UsageRoutes implements Resource {
  private static final int MAX_DAYS = 366;
  private final UsageRepository usage;
  private final AccountAccess access;

  public UsageRoutes(Pool pool, AccountRepository accounts) {
    this.usage = new UsageRepository(pool);
    this.access = new AccountAccess(accounts);
  }

  @Override
  public void mount(Routes routes) {
    routes.get("/v1/me/usage").requires(Permissions.PROFILE_READ).respond(ctx -> {
      Principal principal = Principal.of(ctx);
      YearMonth month = month(ctx);
      return usage.month(principal.orgId(), principal.userId(), month.getYear(), month.getMonthValue());
    });
    routes.get("/v1/me/usage/daily").requires(Permissions.PROFILE_READ).respond(ctx -> daily(ctx, Principal.of(ctx).orgId(),
        Principal.of(ctx).userId()));
    routes.get("/v1/me/usage/by-model").requires(Permissions.PROFILE_READ).respond(ctx -> {
      Principal principal = Principal.of(ctx);
      YearMonth month = month(ctx);
      return usage.byModel(principal.orgId(), principal.userId(), month.getYear(), month.getMonthValue());
    });
    routes.get("/v1/admin/usage/summary").requires(Permissions.PLATFORM_ADMIN).respond(ctx -> {
      YearMonth month = month(ctx);
      return usage.month(null, null, month.getYear(), month.getMonthValue()).map(summary -> {
        summary.remove("org_id");
        return summary;
      });
    });
    routes.get("/v1/admin/usage/daily").requires(Permissions.PLATFORM_ADMIN).respond(ctx -> daily(ctx, null, null));
    routes.get("/v1/admin/usage/by-model").requires(Permissions.PLATFORM_ADMIN).respond(ctx -> {
      YearMonth month = month(ctx);
      return usage.byModel(null, null, month.getYear(), month.getMonthValue());
    });
    routes.get("/v1/accounts/:account_id/usage").requiresInAccount(Permissions.USAGE_READ).respond(ctx -> account(ctx).compose(orgId -> {
      YearMonth month = month(ctx);
      return usage.month(orgId, null, month.getYear(), month.getMonthValue());
    }));
    routes.get("/v1/accounts/:account_id/usage/daily").requiresInAccount(Permissions.USAGE_READ).respond(ctx -> account(ctx)
        .compose(orgId -> daily(ctx, orgId, null)));
    routes.get("/v1/accounts/:account_id/usage/by-model").requiresInAccount(Permissions.USAGE_READ).respond(ctx -> account(ctx).compose(orgId -> {
      YearMonth month = month(ctx);
      return usage.byModel(orgId, null, month.getYear(), month.getMonthValue());
    }));
  }

  private Future<UUID> account(RoutingContext ctx) {
    UUID orgId = Params.pathId(ctx, "account_id");
    return access.require(Principal.of(ctx), orgId, Permissions.USAGE_READ).map(orgId);
  }

  private Future<JsonArray> daily(RoutingContext ctx, UUID orgId, UUID userId) {
    LocalDate start = date(ctx, "start");
    LocalDate end = date(ctx, "end");
    if (end.isBefore(start) || ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
      throw ApiException.invalid("end", "end must be on or after start, at most " + MAX_DAYS + " days later");
    }
    return usage.daily(orgId, userId, start, end);
  }

  /** {@code year} and {@code month}, each defaulting to the current UTC month. */
  private static YearMonth month(RoutingContext ctx) {
    YearMonth now = YearMonth.now(ZoneOffset.UTC);
    int year = Params.intInRange(ctx, "year", now.getYear(), 2000, 2100);
    int month = Params.intInRange(ctx, "month", now.getMonthValue(), 1, 12);
    return YearMonth.of(year, month);
  }

  private static LocalDate date(RoutingContext ctx, String name) {
    String value = Params.query(ctx, name);
    if (value == null) {
      throw ApiException.invalid(name, name + " is required (YYYY-MM-DD)");
    }
    try {
      return LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(name, name + " must be a date as YYYY-MM-DD");
    }
  }

}
