package dev.arkloop.common.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.arkloop.common.error.ApiException;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkspacePathsTest {

  @Test
  void cleanPathsPassUnchanged() {
    assertEquals("/", WorkspacePaths.directory("/"));
    assertEquals("/src/main.go", WorkspacePaths.file("/src/main.go"));
    assertEquals("/a b/ünï cödé.txt", WorkspacePaths.file("/a b/ünï cödé.txt"));
    assertEquals("/.hidden/..dots../x.", WorkspacePaths.file("/.hidden/..dots../x."));
    assertEquals("/100%/x", WorkspacePaths.file("/100%/x"));
  }

  @Test
  void rootIsADirectoryNotAFile() {
    ApiException error = assertThrows(ApiException.class, () -> WorkspacePaths.file("/"));
    assertEquals(400, error.status());
    assertEquals("workspace_files.invalid_path", error.code());
  }

  @Test
  void everyEscapeIsRefused() {
    for (String bad : List.of("", "a", "/..", "/a/../b", "/./a", "//a", "/a//b", "/a/", "/a\\b", "/a\u0000b",
        "/a\nb", "/a\u202eb", "/a\u200bb", "/%2e%2e/x", "/a%2Fb", "/" + "x".repeat(256), "/d".repeat(513),
        "/\ud800x")) {
      assertThrows(ApiException.class, () -> WorkspacePaths.file(bad), bad);
    }
    assertEquals("/" + "é".repeat(127), WorkspacePaths.file("/" + "é".repeat(127)));
    assertThrows(ApiException.class, () -> WorkspacePaths.file("/" + "é".repeat(128)), "255 bytes, not characters");
  }

  @Test
  void ancestorsNamesAndPrefixes() {
    assertEquals(List.of("/a", "/a/b"), WorkspacePaths.ancestors("/a/b/c.txt"));
    assertEquals(List.of(), WorkspacePaths.ancestors("/c.txt"));
    assertEquals("c.txt", WorkspacePaths.name("/a/b/c.txt"));
    assertEquals("/", WorkspacePaths.asPrefix("/"));
    assertEquals("/src/", WorkspacePaths.asPrefix("/src"));
  }

  @Test
  void mimeTypeComesFromTheExtensionElseTheContent() {
    assertEquals(MimeTypes.TEXT, MimeTypes.detect("/main.go", Buffer.buffer("package main")));
    assertEquals("application/json", MimeTypes.detect("/x.JSON", Buffer.buffer("{}")));
    assertEquals("image/png", MimeTypes.detect("/logo", Buffer.buffer(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0})));
    assertEquals("application/pdf", MimeTypes.detect("/doc", Buffer.buffer("%PDF-1.7")));
    assertEquals(MimeTypes.TEXT, MimeTypes.detect("/notes", Buffer.buffer("grüße")));
    assertEquals(MimeTypes.BINARY, MimeTypes.detect("/blob", Buffer.buffer(new byte[] {1, 0, 2})));
    assertEquals(MimeTypes.BINARY, MimeTypes.detect("/latin1", Buffer.buffer(new byte[] {'a', (byte) 0xE9, 'b'})));
    byte[] cut = ("x".repeat(511) + "é").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(MimeTypes.TEXT, MimeTypes.detect("/long", Buffer.buffer(cut).appendString("more text")));
  }
}
