package dev.arkloop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.config.ConfigException;
import dev.arkloop.common.config.ConfigLoader;
import dev.arkloop.common.crypto.SecretBox;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GeneratedSecretsTest {

  @Test
  void theEmbeddedNodeGeneratesItsEncryptionKeyOnceAndKeepsIt(@TempDir Path dataDir) {
    Map<String, String> env = Map.of("ARKLOOP_DATA_DIR", dataDir.toString());
    ArkloopConfig first = Main.withGeneratedSecrets(ConfigLoader.load(env, List.of()));
    ArkloopConfig second = Main.withGeneratedSecrets(ConfigLoader.load(env, List.of()));
    assertTrue(SecretBox.isValidKey(first.secrets().encryptionKey()));
    assertEquals(first.secrets().encryptionKey(), second.secrets().encryptionKey());
    assertEquals(first.auth().jwtSecret(), second.auth().jwtSecret());
  }

  @Test
  void anExternalDatabaseNeedsTheKeyGiven(@TempDir Path dataDir) {
    Map<String, String> env = Map.of("ARKLOOP_DATA_DIR", dataDir.toString(),
        "ARKLOOP_DATABASE_URL", "postgresql://u:p@db:5432/ark",
        "ARKLOOP_AUTH_JWT_SECRET", "x".repeat(40));
    ConfigException error = assertThrows(ConfigException.class,
        () -> Main.withGeneratedSecrets(ConfigLoader.load(env, List.of())));
    assertEquals("ARKLOOP_ENCRYPTION_KEY is required when ARKLOOP_DATABASE_URL is set", error.getMessage());
    String key = SecretBox.generateKey();
    Map<String, String> given = new java.util.HashMap<>(env);
    given.put("ARKLOOP_ENCRYPTION_KEY", key);
    assertEquals(key, Main.withGeneratedSecrets(ConfigLoader.load(given, List.of())).secrets().encryptionKey());
  }
}
