package dev.arkloop.common.crypto;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHasherTest {
  private final PasswordHasher hasher = new PasswordHasher();

  @Test
  void verifiesOnlyTheRightPassword() {
    String hash = hasher.hash("correct horse battery");
    assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"), hash);
    assertTrue(hasher.verify("correct horse battery", hash));
    assertFalse(hasher.verify("correct horse batterY", hash));
    assertNotEquals(hash, hasher.hash("correct horse battery"), "salted");
  }

  @Test
  void theDecoyHasTheCurrentParametersAndRejectsGarbage() {
    assertTrue(PasswordHasher.DECOY_HASH.startsWith("$argon2id$v=19$m=" + PasswordHasher.MEMORY_KIB + ",t="
        + PasswordHasher.ITERATIONS + ",p=" + PasswordHasher.PARALLELISM + "$"));
    assertFalse(hasher.verify("", PasswordHasher.DECOY_HASH));
    assertFalse(hasher.verify("x", "not a hash"));
    assertFalse(hasher.verify("x", "$argon2i$v=19$m=8,t=1,p=1$AAAA$AAAA"));
  }
}
