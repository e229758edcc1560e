package dev.arkloop.api.identity;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** The feature flags sign-up, sign-in and {@code GET /v1/me} read (served by the billing module). */
public interface AccountFlags {
  String REQUIRE_EMAIL_VERIFICATION = "auth.require_email_verification";
  String REGISTRATION_OPEN = "registration.open";

  /** False only when the {@code registration.open} flag exists and is off. */
  Future<Boolean> registrationOpen();

  /** Fails with 403 {@code email_not_verified} when the account requires it and the user's address is not verified. */
  Future<Void> requireVerifiedEmail(UUID userId, UUID orgId);

  /** Every flag's value for the account, {@code {key: bool}}. */
  Future<JsonObject> inForce(UUID orgId);
}
