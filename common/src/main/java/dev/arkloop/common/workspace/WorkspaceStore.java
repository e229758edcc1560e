package dev.arkloop.common.workspace;

import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.List;

/**
 * Where project workspace files live: a manifest (path → hash, size, mtime, MIME type) plus
 * content-addressed blobs, readable from every node. The HTTP API and the run worker's file tools
 * share it. Paths are absolute and already checked with {@link WorkspacePaths}. Implementations:
 * {@link PgWorkspaceStore}; an S3-compatible one can follow without touching callers.
 */
public interface WorkspaceStore {
  /** Size of one read when a file is streamed. */
  int READ_CHUNK_BYTES = 256 * 1024;

  /** One directory: directories first, then files, each by name; empty when nothing is there. */
  Future<List<WorkspaceEntry>> list(WorkspaceRef ref, String directory);

  /** The file at {@code path}, or null when there is none (a directory is not a file). */
  Future<WorkspaceEntry> stat(WorkspaceRef ref, String path);

  /**
   * Up to {@code length} bytes of a file's content from {@code offset}; fails with {@code
   * workspace_files.not_found} when the blob is gone (the file was replaced or deleted meanwhile).
   */
  Future<Buffer> read(WorkspaceRef ref, WorkspaceEntry file, long offset, int length);

  /** Creates or replaces a file. Fails with 409 when the path or one of its parents is used the other way. */
  Future<WriteResult> write(WorkspaceRef ref, String path, BlobContent content);

  /** Deletes a file; false when there was none. */
  Future<Boolean> delete(WorkspaceRef ref, String path);

  /** Removes every file of a workspace (its project is being deleted). */
  Future<Void> purge(WorkspaceRef ref);

  /** When a file was last written or deleted, or null if never. */
  Future<Instant> lastUsedAt(WorkspaceRef ref);

  /** A whole small file in one buffer (for tools); fails when missing or larger than {@code maxBytes}. */
  default Future<Buffer> readAll(WorkspaceRef ref, String path, long maxBytes) {
    return stat(ref, path).compose(file -> {
      if (file == null) {
        return Future.failedFuture(ApiException.notFound("workspace_files"));
      }
      if (file.size() > maxBytes) {
        return Future.failedFuture(new ApiException(413, "workspace_files.too_large",
            "file is larger than " + maxBytes + " bytes"));
      }
      return readFrom(ref, file, 0, Buffer.buffer((int) file.size()));
    });
  }

  private Future<Buffer> readFrom(WorkspaceRef ref, WorkspaceEntry file, long offset, Buffer into) {
    if (offset >= file.size()) {
      return Future.succeededFuture(into);
    }
    int length = (int) Math.min(READ_CHUNK_BYTES, file.size() - offset);
    return read(ref, file, offset, length).compose(chunk -> chunk.length() == 0
        ? Future.failedFuture(ApiException.notFound("workspace_files"))
        : readFrom(ref, file, offset + chunk.length(), into.appendBuffer(chunk)));
  }

  /** A written file, and whether it was new. */
  record WriteResult(WorkspaceEntry file, boolean created) {}
}
