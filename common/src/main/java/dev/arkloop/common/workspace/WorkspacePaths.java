package dev.arkloop.common.workspace;

import dev.arkloop.common.error.ApiException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The only workspace paths there are: clean absolute paths inside the workspace root. Nothing is
 * normalised, so a path either is already canonical or is refused: no {@code .} or {@code ..}
 * segments, no empty segments ({@code //}), no trailing slash, no backslash, NUL, control or
 * invisible format characters, no percent-escapes left after URL decoding (double-encoded
 * traversal), at most 1024 characters in all and 255 bytes per segment.
 */
public final class WorkspacePaths {
  public static final String ROOT = "/";
  public static final int MAX_PATH_CHARS = 1024;
  public static final int MAX_SEGMENT_BYTES = 255;
  private static final Pattern PERCENT_ESCAPE = Pattern.compile("%[0-9A-Fa-f]{2}");

  private WorkspacePaths() {}

  /** A directory to list: the root {@code /} or a clean path. */
  public static String directory(String path) {
    if (ROOT.equals(path)) {
      return ROOT;
    }
    return check(path);
  }

  /** A file path: a clean path other than the root. */
  public static String file(String path) {
    return check(path);
  }

  /** The parent directories of a clean file path, nearest last, the root excluded. */
  public static List<String> ancestors(String path) {
    List<String> parents = new ArrayList<>();
    int slash = path.indexOf('/', 1);
    while (slash > 0) {
      parents.add(path.substring(0, slash));
      slash = path.indexOf('/', slash + 1);
    }
    return parents;
  }

  /** The last segment of a clean path. */
  public static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** {@code path} as the prefix its descendants start with ({@code /src} → {@code /src/}). */
  public static String asPrefix(String directory) {
    return ROOT.equals(directory) ? ROOT : directory + "/";
  }

  private static String check(String path) {
    if (path == null || path.isEmpty() || path.length() > MAX_PATH_CHARS || path.charAt(0) != '/'
        || path.endsWith("/") || PERCENT_ESCAPE.matcher(path).find()) {
      throw invalid();
    }
    for (String segment : path.substring(1).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")
          || segment.getBytes(StandardCharsets.UTF_8).length > MAX_SEGMENT_BYTES || !cleanCharacters(segment)) {
        throw invalid();
      }
    }
    return path;
  }

  private static boolean cleanCharacters(String segment) {
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      int type = Character.getType(c);
      if (c == '\\' || c < 0x20 || c == 0x7f || type == Character.CONTROL || type == Character.FORMAT
          || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR) {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= segment.length() || !Character.isLowSurrogate(segment.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** The 400 {@code workspace_files.invalid_path} error. */
  public static ApiException invalid() {
    return new ApiException(400, "workspace_files.invalid_path",
        "path must be a clean absolute path inside the workspace", new JsonObject().put("field", "path"));
  }
}
