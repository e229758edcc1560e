package dev.arkloop.common.workspace;

import io.vertx.core.buffer.Buffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** File bytes with their SHA-256 (lowercase hex), the key of the content-addressed blob. */
public record BlobContent(Buffer bytes, String sha256) {

  /** Hashes the bytes at once: fine for small files; stream large ones through a {@link Hasher}. */
  public static BlobContent of(Buffer bytes) {
    Hasher hasher = new Hasher();
    hasher.update(bytes);
    return new BlobContent(bytes, hasher.hex());
  }

  public long size() {
    return bytes.length();
  }

  /** Incremental SHA-256, fed chunk by chunk as an upload arrives. */
  public static final class Hasher {
    private final MessageDigest digest;

    public Hasher() {
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is not available", e);
      }
    }

    public void update(Buffer chunk) {
      digest.update(chunk.getBytes());
    }

    public String hex() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
