package dev.arkloop.common.workspace;

import io.vertx.core.buffer.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/** The Content-Type of a workspace file: from its extension, else by sniffing its first bytes. */
public final class MimeTypes {
  public static final String TEXT = "text/plain; charset=utf-8";
  public static final String BINARY = "application/octet-stream";
  private static final int SNIFF_BYTES = 512;

  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("txt", TEXT), Map.entry("log", TEXT), Map.entry("go", TEXT), Map.entry("java", TEXT),
      Map.entry("py", TEXT), Map.entry("rs", TEXT), Map.entry("c", TEXT), Map.entry("h", TEXT),
      Map.entry("cpp", TEXT), Map.entry("ts", TEXT), Map.entry("tsx", TEXT), Map.entry("jsx", TEXT),
      Map.entry("sh", TEXT), Map.entry("sql", TEXT), Map.entry("toml", TEXT), Map.entry("ini", TEXT),
      Map.entry("rb", TEXT), Map.entry("kt", TEXT), Map.entry("lua", TEXT), Map.entry("env", TEXT),
      Map.entry("md", "text/markdown; charset=utf-8"), Map.entry("markdown", "text/markdown; charset=utf-8"),
      Map.entry("html", "text/html; charset=utf-8"), Map.entry("htm", "text/html; charset=utf-8"),
      Map.entry("css", "text/css; charset=utf-8"), Map.entry("csv", "text/csv; charset=utf-8"),
      Map.entry("js", "text/javascript; charset=utf-8"), Map.entry("mjs", "text/javascript; charset=utf-8"),
      Map.entry("json", "application/json"), Map.entry("xml", "application/xml"),
      Map.entry("yaml", "application/yaml"), Map.entry("yml", "application/yaml"),
      Map.entry("pdf", "application/pdf"), Map.entry("zip", "application/zip"),
      Map.entry("gz", "application/gzip"), Map.entry("tar", "application/x-tar"),
      Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"), Map.entry("svg", "image/svg+xml"),
      Map.entry("ico", "image/x-icon"), Map.entry("mp3", "audio/mpeg"), Map.entry("wav", "audio/wav"),
      Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"), Map.entry("wasm", "application/wasm"));

  private MimeTypes() {}

  public static String detect(String path, Buffer content) {
    String name = WorkspacePaths.name(path);
    int dot = name.lastIndexOf('.');
    if (dot >= 0 && dot < name.length() - 1) {
      String known = BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
      if (known != null) {
        return known;
      }
    }
    return sniff(content.getBytes(0, Math.min(SNIFF_BYTES, content.length())), content.length() <= SNIFF_BYTES);
  }

  private static String sniff(byte[] head, boolean whole) {
    if (startsWith(head, 0x89, 'P', 'N', 'G')) {
      return "image/png";
    }
    if (startsWith(head, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (startsWith(head, 'G', 'I', 'F', '8')) {
      return "image/gif";
    }
    if (startsWith(head, '%', 'P', 'D', 'F', '-')) {
      return "application/pdf";
    }
    if (startsWith(head, 'P', 'K', 3, 4)) {
      return "application/zip";
    }
    if (startsWith(head, 0x1F, 0x8B)) {
      return "application/gzip";
    }
    return isText(head, whole) ? TEXT : BINARY;
  }

  /** UTF-8 without NUL; a multi-byte character cut at the end of a partial head is tolerated. */
  private static boolean isText(byte[] head, boolean whole) {
    for (byte b : head) {
      if (b == 0) {
        return false;
      }
    }
    int length = head.length;
    if (!whole) {
      int tail = 0;
      while (tail < 3 && tail < length && (head[length - 1 - tail] & 0xC0) == 0x80) {
        tail++;
      }
      if (tail < length && (head[length - 1 - tail] & 0xC0) == 0xC0) {
        length -= tail + 1;
      }
    }
    try {
      StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(head, 0, length));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static boolean startsWith(byte[] head, int... magic) {
    if (head.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((head[i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
