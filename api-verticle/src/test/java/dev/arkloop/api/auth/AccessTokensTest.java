package dev.arkloop.api.auth;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class AccessTokensTest {

  @Test
  void issuedTokensVerifyWithTheirClaims(Vertx vertx) {
    ArkloopConfig config = ConfigLoader.load(Map.of("ARKLOOP_AUTH_JWT_SECRET", "x".repeat(40)), List.of());
    AccessTokens tokens = new AccessTokens(vertx, config.auth());
    UUID user = UUID.randomUUID();
    UUID org = UUID.randomUUID();
    String token = tokens.issue(user, org, "account_admin", true);
    AccessTokens.Claims claims = await(tokens.verify(token));
    assertEquals(user, claims.userId());
    assertEquals(org, claims.orgId());
    assertEquals("account_admin", claims.role());
    assertTrue(claims.platformAdmin());
    assertTrue(claims.expiresAt() > System.currentTimeMillis() / 1000);
  }
}
