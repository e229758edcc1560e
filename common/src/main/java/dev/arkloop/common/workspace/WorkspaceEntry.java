package dev.arkloop.common.workspace;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * A file or directory of a workspace. A directory is implied by the files under it: its size is
 * their total, its mtime the newest of theirs, and it has no MIME type or hash.
 */
public record WorkspaceEntry(String name, String path, Type type, long size, Instant mtime, String mimeType,
    String sha256) {

  public enum Type {
    FILE("file"), DIR("dir");

    private final String label;

    Type(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  public boolean isFile() {
    return type == Type.FILE;
  }

  /** The listing item JSON: {@code {name, path, type, size, mtime_unix_ms, mime_type}}. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("path", path)
        .put("type", type.label())
        .put("size", size)
        .put("mtime_unix_ms", mtime == null ? null : mtime.toEpochMilli())
        .put("mime_type", mimeType);
  }
}
