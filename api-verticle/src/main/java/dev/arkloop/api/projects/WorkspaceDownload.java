package dev.arkloop.api.projects;

import dev.arkloop.common.error.ApiException;
import dev.arkloop.common.workspace.WorkspaceEntry;
import dev.arkloop.common.workspace.WorkspaceRef;
import dev.arkloop.common.workspace.WorkspaceStore;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a workspace file: conditional on its ETag (the content hash), one byte range if asked, and
 * streamed chunk by chunk from the store. The next chunk is read only once the previous one has
 * been written out, so a slow client holds at most one chunk in memory.
 */
final class WorkspaceDownload {
  private static final Logger LOG = LoggerFactory.getLogger(WorkspaceDownload.class);
  private final WorkspaceStore store;

  WorkspaceDownload(WorkspaceStore store) {
    this.store = store;
  }

  void send(RoutingContext ctx, WorkspaceRef ref, WorkspaceEntry file) {
    HttpServerResponse response = ctx.response();
    String etag = "\"" + file.sha256() + "\"";
    response.putHeader(HttpHeaders.ETAG, etag)
        .putHeader("Accept-Ranges", "bytes")
        .putHeader(HttpHeaders.CACHE_CONTROL, "private, no-cache")
        .putHeader(HttpHeaders.LAST_MODIFIED,
            DateTimeFormatter.RFC_1123_DATE_TIME.format(file.mtime().atOffset(ZoneOffset.UTC)));
    if (matches(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH), etag)) {
      response.setStatusCode(304).end();
      return;
    }
    ByteRange range = ByteRange.parse(ctx.request().getHeader("Range"), file.size());
    if (range == ByteRange.UNSATISFIABLE) {
      response.putHeader("Content-Range", "bytes */" + file.size());
      ctx.fail(new ApiException(416, "workspace_files.range_not_satisfiable", "range is outside the file"));
      return;
    }
    long start = range == null ? 0 : range.start();
    long end = range == null ? file.size() - 1 : range.end();
    if (range != null) {
      response.setStatusCode(206)
          .putHeader("Content-Range", "bytes " + start + "-" + end + "/" + file.size());
    } else {
      response.setStatusCode(200);
    }
    // The bytes go out as stored: no compression, and no sniffing by browsers.
    response.putHeader(HttpHeaders.CONTENT_TYPE, file.mimeType())
        .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("Content-Security-Policy", "sandbox")
        .putHeader(HttpHeaders.CONTENT_LENGTH, String.valueOf(end - start + 1));
    pump(response, ref, file, start, end);
  }

  private void pump(HttpServerResponse response, WorkspaceRef ref, WorkspaceEntry file, long position, long end) {
    if (position > end) {
      response.end();
      return;
    }
    int length = (int) Math.min(WorkspaceStore.READ_CHUNK_BYTES, end - position + 1);
    store.read(ref, file, position, length)
        .compose(chunk -> chunk.length() == 0
            ? Future.<Integer>failedFuture(ApiException.notFound("workspace_files"))
            : response.write(chunk).map(chunk.length()))
        .onSuccess(written -> pump(response, ref, file, position + written, end))
        .onFailure(e -> {
          // Headers are out: the only honest signal left is to cut the connection short.
          LOG.debug("workspace file download aborted [project: {}]: {}", ref.projectId(), e.toString());
          response.reset();
        });
  }

  /** {@code If-None-Match}: {@code *} or a list of (possibly weak) entity tags. */
  private static boolean matches(String header, String etag) {
    if (header == null) {
      return false;
    }
    for (String candidate : header.split(",")) {
      String tag = candidate.trim();
      if (tag.startsWith("W/")) {
        tag = tag.substring(2);
      }
      if (tag.equals("*") || tag.equals(etag)) {
        return true;
      }
    }
    return false;
  }
}
