package dev.arkloop.api.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CallerIdentityTest {
  private static String bearer(UUID account, UUID user) {
    Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
    String claims = new JsonObject().put("sub", user.toString()).put("account", account.toString()).encode();
    return "Bearer " + encoder.encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8)) + "."
        + encoder.encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + ".signature";
  }

  @Test
  void anAccessTokenNamesItsAccountAndUserAndOtherCredentialsDoNot() {
    UUID account = UUID.randomUUID();
    UUID user = UUID.randomUUID();
    assertEquals(new CallerIdentity("user", account, user), CallerIdentity.of(bearer(account, user)));
    assertEquals(new CallerIdentity("api_key", null, null), CallerIdentity.of("Bearer ak-0123456789"));
    assertEquals(CallerIdentity.ANONYMOUS, CallerIdentity.of("Bearer not.a-token"));
    assertEquals(CallerIdentity.ANONYMOUS, CallerIdentity.of("Basic dXNlcjpwYXNz"));
    assertEquals(CallerIdentity.ANONYMOUS, CallerIdentity.of(null));
  }

  @Test
  void aRepeatedCredentialIsDecodedOnceAndEachCredentialKeepsItsOwnIdentity() {
    CallerIdentity.Recent recent = new CallerIdentity.Recent();
    UUID account = UUID.randomUUID();
    String first = bearer(account, UUID.randomUUID());
    String second = bearer(account, UUID.randomUUID());
    CallerIdentity decoded = recent.of(first);
    // a new String with the same text, as each request's header is: the decoded identity is reused
    assertSame(decoded, recent.of(new String(first.toCharArray())));
    assertNotSame(decoded, recent.of(second));
    assertEquals(CallerIdentity.of(second), recent.of(second));
    assertSame(CallerIdentity.ANONYMOUS, recent.of(null));
  }

  @Test
  void theMemoForgetsTheLeastRecentlyUsedCredentialsBeyondItsSize() {
    CallerIdentity.Recent recent = new CallerIdentity.Recent();
    String kept = bearer(UUID.randomUUID(), UUID.randomUUID());
    String dropped = bearer(UUID.randomUUID(), UUID.randomUUID());
    CallerIdentity droppedIdentity = recent.of(dropped);
    CallerIdentity keptIdentity = recent.of(kept);
    for (int i = 0; i < CallerIdentity.Recent.MAX_ENTRIES; i++) {
      recent.of(kept);
      recent.of(bearer(UUID.randomUUID(), UUID.randomUUID()));
    }
    assertSame(keptIdentity, recent.of(kept));
    CallerIdentity again = recent.of(dropped);
    assertEquals(droppedIdentity, again);
    assertNotSame(droppedIdentity, again);
  }
}
