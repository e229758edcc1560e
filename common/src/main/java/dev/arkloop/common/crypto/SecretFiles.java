package dev.arkloop.common.crypto;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.function.Supplier;

/**
 * Secrets generated once and kept in the data directory, for the embedded single node, which has no
 * operator to hand it a JWT secret or an encryption key. Clustered nodes must be given them.
 */
public final class SecretFiles {
  private SecretFiles() {}

  /** The secret stored in {@code dataDir/secrets/name}, created with {@code generator} on first use. */
  public static String ensure(Path dataDir, String name, Supplier<String> generator) {
    Path file = dataDir.resolve("secrets").resolve(name);
    try {
      if (Files.exists(file)) {
        return Files.readString(file).trim();
      }
      Files.createDirectories(file.getParent());
      String secret = generator.get();
      Path temp = Files.createTempFile(file.getParent(), name, ".tmp");
      try {
        Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // not a POSIX file system
      }
      Files.writeString(temp, secret);
      Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return secret;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep secret " + file, e);
    }
  }
}
