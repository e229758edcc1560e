package dev.arkloop.common.workspace;

import dev.arkloop.common.error.ApiException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link WorkspaceStore} in PostgreSQL: {@code workspace_files} is the manifest, {@code
 * workspace_blobs} holds each distinct content once. Reads fetch {@code substring}s of a blob, so a
 * large file is never loaded whole. A blob no file refers to any more is deleted after the change
 * that released it commits; if that races a writer reusing it, the delete fails and the blob stays.
 */
public final class PgWorkspaceStore implements WorkspaceStore {
  private static final Logger LOG = LoggerFactory.getLogger(PgWorkspaceStore.class);
  private static final String LIST = """
      SELECT name, is_dir, sum(size)::bigint AS size, max(mtime) AS mtime,
             CASE WHEN is_dir THEN NULL ELSE min(mime_type) END AS mime_type,
             CASE WHEN is_dir THEN NULL ELSE min(blob_sha256) END AS sha256
      FROM (SELECT split_part(substr(path, $4), '/', 1) AS name, strpos(substr(path, $4), '/') > 0 AS is_dir,
                   size, mtime, mime_type, blob_sha256
            FROM workspace_files
            WHERE project_id = $1 AND org_id = $2 AND path >= $3 AND path < $5) f
      GROUP BY name, is_dir
      ORDER BY is_dir DESC, name""";
  private static final String STAT = "SELECT path, blob_sha256, size, mtime, mime_type FROM workspace_files "
      + "WHERE project_id = $1 AND org_id = $2 AND path = $3";
  private static final String READ =
      "SELECT substring(content FROM $2 FOR $3) AS chunk FROM workspace_blobs WHERE sha256 = $1";
  private static final String CONFLICT = "SELECT path FROM workspace_files WHERE project_id = $1 "
      + "AND (path = ANY($2) OR (path >= $3 AND path < $4)) LIMIT 1";
  private static final String PUT_BLOB = "INSERT INTO workspace_blobs (sha256, content, size) VALUES ($1, $2, $3) "
      // DO UPDATE (not DO NOTHING) locks an existing blob, so a concurrent clean-up cannot delete it
      // between this statement and the manifest row that refers to it.
      + "ON CONFLICT (sha256) DO UPDATE SET size = EXCLUDED.size";
  private static final String PUT_FILE = """
      INSERT INTO workspace_files (project_id, path, org_id, blob_sha256, size, mime_type, mtime)
      SELECT $1, $2, $3, $4, $5, $6, date_trunc('milliseconds', now())
      WHERE EXISTS (SELECT 1 FROM projects WHERE id = $1 AND org_id = $3)
      ON CONFLICT (project_id, path) DO UPDATE SET blob_sha256 = EXCLUDED.blob_sha256, size = EXCLUDED.size,
        mime_type = EXCLUDED.mime_type, mtime = EXCLUDED.mtime
      RETURNING mtime, (xmax = 0) AS created""";
  private static final String TOUCH = "INSERT INTO workspaces (project_id, org_id, last_used_at) "
      + "VALUES ($1, $2, now()) ON CONFLICT (project_id) DO UPDATE SET last_used_at = now()";
  private static final String COLLECT = "DELETE FROM workspace_blobs b WHERE b.sha256 = ANY($1) "
      + "AND NOT EXISTS (SELECT 1 FROM workspace_files f WHERE f.blob_sha256 = b.sha256)";

  private final Pool pool;

  public PgWorkspaceStore(Pool pool) {
    this.pool = pool;
  }

  @Override
  public Future<List<WorkspaceEntry>> list(WorkspaceRef ref, String directory) {
    String prefix = WorkspacePaths.asPrefix(directory);
    String upperBound = prefix.substring(0, prefix.length() - 1) + "0";
    return pool.preparedQuery(LIST)
        .execute(Tuple.of(ref.projectId(), ref.orgId(), prefix, prefix.length() + 1, upperBound))
        .map(rows -> {
          List<WorkspaceEntry> entries = new ArrayList<>(rows.size());
          for (Row row : rows) {
            boolean dir = row.getBoolean("is_dir");
            String name = row.getString("name");
            WorkspaceEntry.Type type = dir ? WorkspaceEntry.Type.DIR : WorkspaceEntry.Type.FILE;
            entries.add(new WorkspaceEntry(name, prefix + name, type, row.getLong("size"),
                instant(row.getOffsetDateTime("mtime")), row.getString("mime_type"), row.getString("sha256")));
          }
          return entries;
        });
  }

  @Override
  public Future<WorkspaceEntry> stat(WorkspaceRef ref, String path) {
    return pool.preparedQuery(STAT).execute(Tuple.of(ref.projectId(), ref.orgId(), path)).map(rows -> {
      if (rows.size() == 0) {
        return null;
      }
      Row row = rows.iterator().next();
      return new WorkspaceEntry(WorkspacePaths.name(path), path, WorkspaceEntry.Type.FILE, row.getLong("size"),
          instant(row.getOffsetDateTime("mtime")), row.getString("mime_type"), row.getString("blob_sha256"));
    });
  }

  @Override
  public Future<Buffer> read(WorkspaceRef ref, WorkspaceEntry file, long offset, int length) {
    return pool.preparedQuery(READ)
        .execute(Tuple.of(file.sha256(), Math.toIntExact(offset + 1), length))
        .compose(rows -> rows.size() == 0
            ? Future.failedFuture(ApiException.notFound("workspace_files"))
            : Future.succeededFuture(rows.iterator().next().getBuffer("chunk")));
  }

  @Override
  public Future<WriteResult> write(WorkspaceRef ref, String path, BlobContent content) {
    String mimeType = MimeTypes.detect(path, content.bytes());
    Set<String> released = new LinkedHashSet<>();
    return pool.withTransaction(tx -> requireNoConflict(tx, ref, path)
            .compose(v -> tx.preparedQuery(STAT + " FOR UPDATE").execute(Tuple.of(ref.projectId(), ref.orgId(), path)))
            .compose(previous -> {
              previous.forEach(row -> released.add(row.getString("blob_sha256")));
              return tx.preparedQuery(PUT_BLOB).execute(Tuple.of(content.sha256(), content.bytes(), content.size()));
            })
            .compose(v -> tx.preparedQuery(PUT_FILE).execute(Tuple.of(ref.projectId(), path, ref.orgId(),
                content.sha256(), content.size(), mimeType)))
            .compose(rows -> {
              if (rows.size() == 0) {
                return Future.failedFuture(ApiException.notFound("projects"));
              }
              Row row = rows.iterator().next();
              WorkspaceEntry file = new WorkspaceEntry(WorkspacePaths.name(path), path, WorkspaceEntry.Type.FILE,
                  content.size(), instant(row.getOffsetDateTime("mtime")), mimeType, content.sha256());
              return touch(tx, ref).map(new WriteResult(file, row.getBoolean("created")));
            }))
        .compose(result -> {
          released.remove(content.sha256());
          return collect(released).map(result);
        });
  }

  @Override
  public Future<Boolean> delete(WorkspaceRef ref, String path) {
    return pool.withTransaction(tx -> tx.preparedQuery("DELETE FROM workspace_files WHERE project_id = $1 "
                + "AND org_id = $2 AND path = $3 RETURNING blob_sha256")
            .execute(Tuple.of(ref.projectId(), ref.orgId(), path))
            .compose(rows -> rows.size() == 0 ? Future.succeededFuture(rows) : touch(tx, ref).map(rows)))
        .compose(rows -> collect(hashes(rows)).map(rows.size() > 0));
  }

  @Override
  public Future<Void> purge(WorkspaceRef ref) {
    return pool.preparedQuery("DELETE FROM workspace_files WHERE project_id = $1 AND org_id = $2 RETURNING blob_sha256")
        .execute(Tuple.of(ref.projectId(), ref.orgId()))
        .compose(rows -> collect(hashes(rows)));
  }

  @Override
  public Future<Instant> lastUsedAt(WorkspaceRef ref) {
    return pool.preparedQuery("SELECT last_used_at FROM workspaces WHERE project_id = $1 AND org_id = $2")
        .execute(Tuple.of(ref.projectId(), ref.orgId()))
        .map(rows -> rows.size() == 0 ? null : instant(rows.iterator().next().getOffsetDateTime("last_used_at")));
  }

  /** A path cannot be a file and a directory: its parents must not be files, nor may files lie under it. */
  private static Future<Void> requireNoConflict(SqlClient tx, WorkspaceRef ref, String path) {
    return tx.preparedQuery(CONFLICT)
        .execute(Tuple.of(ref.projectId(), WorkspacePaths.ancestors(path).toArray(String[]::new), path + "/",
            path + "0"))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture() : Future.failedFuture(new ApiException(409,
            "workspace_files.conflict", "a parent of the path is a file, or the path is a directory",
            new JsonObject().put("path", rows.iterator().next().getString("path")))));
  }

  private static Future<Void> touch(SqlClient tx, WorkspaceRef ref) {
    return tx.preparedQuery(TOUCH).execute(Tuple.of(ref.projectId(), ref.orgId())).mapEmpty();
  }

  /** Best effort: a blob still (or again) in use is kept, and a failure only leaves an unused blob. */
  private Future<Void> collect(Set<String> hashes) {
    if (hashes.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.preparedQuery(COLLECT).execute(Tuple.of(hashes.toArray(String[]::new)))
        .<Void>mapEmpty()
        .recover(e -> {
          LOG.debug("unused workspace blobs kept for now: {}", e.toString());
          return Future.succeededFuture();
        });
  }

  private static Set<String> hashes(RowSet<Row> rows) {
    Set<String> hashes = new LinkedHashSet<>();
    rows.forEach(row -> hashes.add(row.getString("blob_sha256")));
    return hashes;
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }
}
