package dev.arkloop.api.billing;

import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/** The caller's credits ({@code /v1/me/credits}) and the platform admin's credit endpoints. */
final class CreditRoutes {
  private final CreditRepository credits;

  CreditRoutes(CreditRepository credits) {
    this.credits = credits;
  }

  void mount(Routes routes) {
    routes.get("/v1/me/credits").requires(Permissions.PROFILE_READ).respond(ctx -> statement(ctx, Principal.of(ctx).orgId())
        .map(json -> {
          json.remove("org_id");
          return json;
        }));
    routes.get("/v1/admin/credits").requires(Permissions.PLATFORM_ADMIN).respond(this::adminStatement);
    routes.post("/v1/admin/credits/adjust").requires(Permissions.PLATFORM_ADMIN).audit("credits.adjust")
        .respond(this::adjust);
    routes.post("/v1/admin/credits/bulk-adjust").requires(Permissions.PLATFORM_ADMIN).audit("credits.bulk_adjust")
        .respond(ctx -> {
          RequestBody body = RequestBody.of(ctx);
          return credits.bulkAdjust(Amounts.nonZero(body.json(), "amount"), note(body),
              Principal.of(ctx).userId());
        });
    routes.post("/v1/admin/credits/reset-all").requires(Permissions.PLATFORM_ADMIN).audit("credits.reset_all")
        .respond(ctx -> credits.resetAll(note(RequestBody.optional(ctx)), Principal.of(ctx).userId()));
  }

  private Future<JsonObject> adminStatement(RoutingContext ctx) {
    UUID orgId = Params.optionalUuid(ctx, "org_id");
    if (orgId == null) {
      throw ApiException.invalid("org_id", "org_id is required");
    }
    return credits.accountExists(orgId).compose(exists -> exists ? statement(ctx, orgId)
        : Future.failedFuture(ApiException.notFound("accounts")));
  }

  private Future<JsonObject> statement(RoutingContext ctx, UUID orgId) {
    OffsetDateTime from = day(ctx, "from", 0);
    OffsetDateTime to = day(ctx, "to", 1);
    return credits.statement(orgId, from, to, Params.limit(ctx, 50, 200),
        Params.intInRange(ctx, "offset", 0, 0, 1_000_000));
  }

  private Future<JsonObject> adjust(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    UUID orgId = body.optionalUuid("org_id");
    if (orgId == null) {
      throw ApiException.invalid("org_id", "org_id is required");
    }
    return credits.adjust(orgId, Amounts.nonZero(body.json(), "amount"), note(body),
        Principal.of(ctx).userId());
  }

  private static String note(RequestBody body) {
    String note = body.optionalString("note");
    return note == null ? null : Fields.length("note", note, 0, 1000);
  }

  /** A {@code YYYY-MM-DD} query date as the start of that UTC day, plus {@code plusDays}. */
  private static OffsetDateTime day(RoutingContext ctx, String name, int plusDays) {
    String value = Params.query(ctx, name);
    if (value == null) {
      return null;
    }
    try {
      return LocalDate.parse(value).plusDays(plusDays).atStartOfDay().atOffset(ZoneOffset.UTC);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(name, name + " must be a date as YYYY-MM-DD");
    }
  }
}
