package dev.arkloop.api.billing;

import dev.arkloop.api.http.Permissions;
import dev.arkloop.api.http.Principal;
import dev.arkloop.api.auth.RateLimiter;
import dev.arkloop.api.http.Fields;
import dev.arkloop.api.http.Params;
import dev.arkloop.api.http.RequestBody;
import dev.arkloop.api.http.Routes;
import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

/** Redemption codes: the admin's batches, list and deactivation, and {@code POST /v1/me/redeem}. */
final class RedemptionRoutes {
  /** Redeem attempts per user and minute: enough for people, too few to guess codes. */
  static final int REDEEMS_PER_MINUTE = 10;
  private final RedemptionRepository codes;
  private final RateLimiter rateLimiter;

  RedemptionRoutes(RedemptionRepository codes, RateLimiter rateLimiter) {
    this.codes = codes;
    this.rateLimiter = rateLimiter;
  }

  void mount(Routes routes) {
    routes.post("/v1/me/redeem").requires(Permissions.PROFILE_WRITE).audit("redemption_code.redeem").respond(this::redeem);
    routes.post("/v1/admin/redemption-codes/batch").requires(Permissions.PLATFORM_ADMIN).status(201)
        .audit("redemption_code.batch").respond(this::batch);
    routes.get("/v1/admin/redemption-codes").requires(Permissions.PLATFORM_ADMIN).respond(this::list);
    routes.patch("/v1/admin/redemption-codes/:code_id").requires(Permissions.PLATFORM_ADMIN)
        .audit("redemption_code.update").respond(this::update);
  }

  private Future<JsonObject> redeem(RoutingContext ctx) {
    Principal principal = Principal.of(ctx);
    String code = Fields.length("code", RequestBody.of(ctx).string("code"), 1, 100);
    return rateLimiter.hit("redeem", "user:" + principal.userId(), REDEEMS_PER_MINUTE, 60)
        .compose(v -> codes.redeem(RedemptionCodes.normalize(code), principal.userId(), principal.orgId()));
  }

  private Future<JsonArray> batch(RoutingContext ctx) {
    RequestBody body = RequestBody.of(ctx);
    Long count = body.optionalLong("count");
    if (count == null || count < 1 || count > 500) {
      throw ApiException.invalid("count", "count must be between 1 and 500");
    }
    String type = Fields.oneOf("type", body.string("type"), "credits", "credit", "feature");
    type = type.equals("credit") ? "credits" : type;
    String value = Fields.length("value", body.string("value").trim(), 1, 200);
    if (type.equals("credits")) {
      try {
        if (Long.parseLong(value) <= 0) {
          throw ApiException.invalid("value", "value must be a positive number of credits");
        }
      } catch (NumberFormatException e) {
        throw ApiException.invalid("value", "value must be an integer string for credits");
      }
    }
    Long maxUses = body.optionalLong("max_uses");
    if (maxUses != null && (maxUses < 1 || maxUses > 1_000_000)) {
      throw ApiException.invalid("max_uses", "max_uses must be between 1 and 1000000");
    }
    String batchId = body.optionalString("batch_id");
    return codes.createBatch(new RedemptionRepository.Batch(count.intValue(), type, value,
        maxUses == null ? 1 : maxUses.intValue(), timestamp("expires_at", body.optionalString("expires_at")),
        batchId == null ? null : Fields.length("batch_id", batchId, 1, 100), Principal.of(ctx).userId()));
  }

  private Future<JsonArray> list(RoutingContext ctx) {
    String type = Params.query(ctx, "type");
    if (type != null) {
      type = Fields.oneOf("type", type, "credits", "credit", "feature");
      type = type.equals("credit") ? "credits" : type;
    }
    return codes.list(Params.query(ctx, "q"), type, Params.optionalUuid(ctx, "cursor"), Params.limit(ctx, 50, 200));
  }

  private Future<JsonObject> update(RoutingContext ctx) {
    var id = Params.pathId(ctx, "code_id");
    RequestBody body = RequestBody.of(ctx);
    Boolean active = body.optionalBoolean("is_active");
    if (active == null) {
      throw ApiException.invalid("is_active", "is_active is required");
    }
    if (active) {
      throw new ApiException(422, "validation.error", "a deactivated code cannot be activated again",
          new JsonObject().put("field", "is_active"));
    }
    return codes.deactivate(id);
  }

  static OffsetDateTime timestamp(String field, String value) {
    if (value == null) {
      return null;
    }
    try {
      return OffsetDateTime.parse(value);
    } catch (DateTimeParseException e) {
      throw ApiException.invalid(field, field + " must be an RFC 3339 timestamp");
    }
  }
}
