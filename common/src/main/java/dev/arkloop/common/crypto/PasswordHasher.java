package dev.arkloop.common.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Argon2id password hashes in the PHC string format. CPU- and memory-heavy by design: call it on a
 * worker thread, never on an event loop.
 *
 * <p>Parameters: 19 MiB memory, 2 iterations, 1 lane (the OWASP minimum for Argon2id), about 30 ms
 * per hash on one core here; see the README's performance section for the measured login rate.
 */
public final class PasswordHasher {
  public static final int MEMORY_KIB = 19 * 1024;
  public static final int ITERATIONS = 2;
  public static final int PARALLELISM = 1;
  private static final int SALT_BYTES = 16;
  private static final int HASH_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
  private static final Base64.Decoder B64D = Base64.getDecoder();

  /**
   * The hash of a random, forgotten password, with the current parameters: verified against when the
   * login is unknown, so both paths cost the same. A constant, because computing it at class load
   * would run Argon2 on whichever thread (an event loop) first touched the class.
   */
  public static final String DECOY_HASH =
      "$argon2id$v=19$m=19456,t=2,p=1$sSML+LyJKZAFMx1vy/GMiA$iZuS/Z+nYHrndJFWBX1ndZNje3neyFW2bQWXYqmhE8o";

  public String hash(String password) {
    byte[] salt = new byte[SALT_BYTES];
    RANDOM.nextBytes(salt);
    byte[] hash = derive(password, salt, MEMORY_KIB, ITERATIONS, PARALLELISM, HASH_BYTES);
    return "$argon2id$v=19$m=" + MEMORY_KIB + ",t=" + ITERATIONS + ",p=" + PARALLELISM
        + "$" + B64.encodeToString(salt) + "$" + B64.encodeToString(hash);
  }

  public boolean verify(String password, String encoded) {
    try {
      String[] parts = encoded.split("\\$");
      if (parts.length != 6 || !parts[1].equals("argon2id")) {
        return false;
      }
      int memory = 0;
      int iterations = 0;
      int parallelism = 0;
      for (String param : parts[3].split(",")) {
        String[] kv = param.split("=");
        switch (kv[0]) {
          case "m" -> memory = Integer.parseInt(kv[1]);
          case "t" -> iterations = Integer.parseInt(kv[1]);
          case "p" -> parallelism = Integer.parseInt(kv[1]);
          default -> { }
        }
      }
      byte[] salt = B64D.decode(parts[4]);
      byte[] expected = B64D.decode(parts[5]);
      byte[] actual = derive(password, salt, memory, iterations, parallelism, expected.length);
      return MessageDigest.isEqual(expected, actual);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static byte[] derive(String password, byte[] salt, int memory, int iterations, int parallelism, int length) {
    Argon2BytesGenerator generator = new Argon2BytesGenerator();
    generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
        .withVersion(Argon2Parameters.ARGON2_VERSION_13)
        .withMemoryAsKB(memory)
        .withIterations(iterations)
        .withParallelism(parallelism)
        .withSalt(salt)
        .build());
    byte[] out = new byte[length];
    generator.generateBytes(password.getBytes(StandardCharsets.UTF_8), out);
    return out;
  }
}
