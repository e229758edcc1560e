package dev.arkloop.api.projects;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import dev.arkloop.common.workspace.BlobContent;
import dev.arkloop.common.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Project workspaces: status, listings, streamed downloads with ETag and Range, uploads, paths, permissions. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class WorkspaceRoutesTest {
  private static final int MAX_FILE_BYTES = 6 * 1024 * 1024;
  private static TestClient anonymous;
  private static TestClient alice;
  private static TestClient bobIn;
  private static TestClient aliceIn;
  private static User aliceUser;

  @BeforeAll
  static void start(Vertx vertx) {
    Map<String, String> overrides = new HashMap<>(TestAccounts.NO_RATE_LIMITS);
    overrides.put("ARKLOOP_WORKSPACE_MAX_FILE_BYTES", String.valueOf(MAX_FILE_BYTES));
    ApiTestNode node = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), overrides);
    anonymous = node.client();
    TestUsers.register(anonymous, "root");
    aliceUser = TestUsers.register(anonymous, "alice");
    alice = aliceUser.client();
    User bob = TestUsers.register(anonymous, "bob");
    String workspace = TestAccounts.createWorkspace(aliceUser, "lab");
    aliceIn = TestAccounts.actingIn(aliceUser, workspace);
    bobIn = TestAccounts.join(node, aliceUser, workspace, bob, "account_member");
  }

  private static String project(TestClient client, String visibility) {
    HttpResponse<Buffer> response = client.post("/v1/projects",
        new JsonObject().put("name", "workspace test").put("visibility", visibility));
    assertEquals(201, response.statusCode(), response.bodyAsString());
    return "/v1/projects/" + response.bodyAsJsonObject().getString("id");
  }

  private static String q(String path) {
    return URLEncoder.encode(path, StandardCharsets.UTF_8);
  }

  private static HttpResponse<Buffer> upload(TestClient client, String project, String path, Buffer content) {
    return client.send(HttpMethod.PUT, project + "/workspace/file?path=" + q(path), content);
  }

  private static void put(TestClient client, String project, String path, String content) {
    HttpResponse<Buffer> response = upload(client, project, path, Buffer.buffer(content));
    assertTrue(response.statusCode() == 201 || response.statusCode() == 200, response.bodyAsString());
  }

  private static JsonObject listing(TestClient client, String project, String path) {
    HttpResponse<Buffer> response = client.get(project + "/workspace/files" + (path == null ? "" : "?path=" + q(path)));
    assertEquals(200, response.statusCode(), response.bodyAsString());
    return response.bodyAsJsonObject();
  }

  private static List<String> names(JsonObject listing) {
    return listing.getJsonArray("items").stream()
        .map(item -> ((JsonObject) item).getString("type") + ":" + ((JsonObject) item).getString("name")).toList();
  }

  @Test
  void newWorkspaceIsIdleAndEmpty() {
    String project = project(alice, "private");
    JsonObject workspace = alice.get(project + "/workspace").bodyAsJsonObject();
    assertEquals(project.substring(project.lastIndexOf('/') + 1), workspace.getString("project_id"));
    assertEquals(aliceUser.id(), workspace.getString("owner_user_id"));
    assertEquals("idle", workspace.getString("status"));
    assertNull(workspace.getString("last_used_at"));
    assertTrue(workspace.getString("workspace_ref").startsWith("ws_"));
    assertTrue(!workspace.containsKey("active_session"));

    JsonObject root = listing(alice, project, null);
    assertEquals("/", root.getString("path"));
    assertEquals(workspace.getString("workspace_ref"), root.getString("workspace_ref"));
    assertEquals(new JsonArray(), root.getJsonArray("items"));
    assertEquals(new JsonArray(), listing(alice, project, "/src/missing").getJsonArray("items"));
  }

  @Test
  void writingMakesTheWorkspaceActive() {
    String project = project(alice, "private");
    put(alice, project, "/hello.txt", "hi");
    JsonObject workspace = alice.get(project + "/workspace").bodyAsJsonObject();
    assertEquals("active", workspace.getString("status"));
    assertTrue(workspace.getString("last_used_at").endsWith("Z"));
  }

  @Test
  void listingShowsOneDirectoryWithDirectoriesFirstThenFilesByName() {
    String project = project(alice, "private");
    put(alice, project, "/src/main.go", "package main\n");
    put(alice, project, "/src/util/strings.go", "package util\n");
    put(alice, project, "/README.md", "# readme");
    put(alice, project, "/b.txt", "bbb");
    put(alice, project, "/a.txt", "a");
    put(alice, project, "/docs/guide/intro.md", "intro");
    put(alice, project, "/assets/logo.png", "\u0089PNG");

    JsonObject root = listing(alice, project, "/");
    assertEquals(List.of("dir:assets", "dir:docs", "dir:src", "file:README.md", "file:a.txt", "file:b.txt"),
        names(root));
    JsonObject src = listing(alice, project, "/src");
    assertEquals("/src", src.getString("path"));
    assertEquals(List.of("dir:util", "file:main.go"), names(src));
    JsonObject main = src.getJsonArray("items").getJsonObject(1);
    assertEquals("/src/main.go", main.getString("path"));
    assertEquals(13, main.getLong("size"));
    assertEquals("text/plain; charset=utf-8", main.getString("mime_type"));
    assertTrue(main.getLong("mtime_unix_ms") > 1_700_000_000_000L);
    assertEquals(Set.of("name", "path", "type", "size", "mtime_unix_ms", "mime_type"), main.fieldNames());
    JsonObject util = src.getJsonArray("items").getJsonObject(0);
    assertEquals("/src/util", util.getString("path"));
    assertEquals("dir", util.getString("type"));
    assertEquals(List.of("file:intro.md"), names(listing(alice, project, "/docs/guide")));
    assertEquals(List.of(), names(listing(alice, project, "/a.txt")));
  }

  @Test
  void fileIsServedWithTypeETagAndConditionalAnswers() {
    String project = project(alice, "private");
    put(alice, project, "/notes/today.md", "# Today\nship it");
    put(alice, project, "/data/blob", "plain words without extension");
    put(alice, project, "/data/raw", "\u0000\u0001binary");

    HttpResponse<Buffer> file = alice.get(project + "/workspace/file?path=" + q("/notes/today.md"));
    assertEquals(200, file.statusCode());
    assertEquals("# Today\nship it", file.bodyAsString());
    assertEquals("text/markdown; charset=utf-8", file.getHeader("Content-Type"));
    String sha = BlobContent.of(Buffer.buffer("# Today\nship it")).sha256();
    assertEquals("\"" + sha + "\"", file.getHeader("ETag"));
    assertEquals("bytes", file.getHeader("Accept-Ranges"));
    assertEquals("nosniff", file.getHeader("X-Content-Type-Options"));

    HttpResponse<Buffer> notModified = alice.withHeader("If-None-Match", "\"other\", \"" + sha + "\"")
        .get(project + "/workspace/file?path=" + q("/notes/today.md"));
    assertEquals(304, notModified.statusCode());
    assertTrue(notModified.body() == null || notModified.body().length() == 0);
    assertEquals(200, alice.withHeader("If-None-Match", "\"stale\"")
        .get(project + "/workspace/file?path=" + q("/notes/today.md")).statusCode());

    assertEquals("text/plain; charset=utf-8",
        alice.get(project + "/workspace/file?path=/data/blob").getHeader("Content-Type"));
    assertEquals("application/octet-stream",
        alice.get(project + "/workspace/file?path=/data/raw").getHeader("Content-Type"));
  }

  @Test
  void rangeRequestsGetPartialContent() {
    String project = project(alice, "private");
    put(alice, project, "/digits.txt", "0123456789");
    String path = project + "/workspace/file?path=/digits.txt";

    HttpResponse<Buffer> middle = alice.withHeader("Range", "bytes=2-5").get(path);
    assertEquals(206, middle.statusCode());
    assertEquals("2345", middle.bodyAsString());
    assertEquals("bytes 2-5/10", middle.getHeader("Content-Range"));
    assertEquals("789", alice.withHeader("Range", "bytes=-3").get(path).bodyAsString());
    assertEquals("89", alice.withHeader("Range", "bytes=8-").get(path).bodyAsString());
    assertEquals("89", alice.withHeader("Range", "bytes=8-100").get(path).bodyAsString());
    assertEquals("0123456789", alice.withHeader("Range", "bytes=0-1,4-5").get(path).bodyAsString());
    assertEquals(200, alice.withHeader("Range", "pages=1").get(path).statusCode());

    HttpResponse<Buffer> beyond = alice.withHeader("Range", "bytes=10-20").get(path);
    assertError(beyond, 416, "workspace_files.range_not_satisfiable");
    assertEquals("bytes */10", beyond.getHeader("Content-Range"));
  }

  @Test
  void largeFileRoundTripsByteExactInChunksAndRanges() {
    String project = project(alice, "private");
    byte[] bytes = new byte[5 * 1024 * 1024 + 123];
    new Random(42).nextBytes(bytes);
    HttpResponse<Buffer> created = upload(alice, project, "/big/data.bin", Buffer.buffer(bytes));
    assertEquals(201, created.statusCode(), created.bodyAsString());
    JsonObject stat = created.bodyAsJsonObject();
    assertEquals(bytes.length, stat.getLong("size"));
    assertEquals(BlobContent.of(Buffer.buffer(bytes)).sha256(), stat.getString("sha256"));
    assertEquals("file", stat.getString("type"));

    HttpResponse<Buffer> download = alice.get(project + "/workspace/file?path=/big/data.bin");
    assertEquals(200, download.statusCode());
    assertEquals(String.valueOf(bytes.length), download.getHeader("Content-Length"));
    assertArrayEquals(bytes, download.body().getBytes());

    int from = 256 * 1024 - 100;
    int to = 3 * 256 * 1024 + 50;
    HttpResponse<Buffer> range = alice.withHeader("Range", "bytes=" + from + "-" + to)
        .get(project + "/workspace/file?path=/big/data.bin");
    assertEquals(206, range.statusCode());
    assertArrayEquals(Arrays.copyOfRange(bytes, from, to + 1), range.body().getBytes());
  }

  @Test
  void uploadReplacesDeletesAndRefusesConflicts() {
    String project = project(alice, "private");
    assertEquals(201, upload(alice, project, "/a/b.txt", Buffer.buffer("one")).statusCode());
    HttpResponse<Buffer> replaced = upload(alice, project, "/a/b.txt", Buffer.buffer("two!"));
    assertEquals(200, replaced.statusCode());
    assertEquals(4, replaced.bodyAsJsonObject().getLong("size"));
    assertEquals("two!", alice.get(project + "/workspace/file?path=/a/b.txt").bodyAsString());

    assertError(upload(alice, project, "/a", Buffer.buffer("x")), 409, "workspace_files.conflict");
    assertError(upload(alice, project, "/a/b.txt/c", Buffer.buffer("x")), 409, "workspace_files.conflict");
    assertError(alice.get(project + "/workspace/file?path=/a"), 404, "workspace_files.not_found");
    assertError(alice.get(project + "/workspace/file?path=/a/missing.txt"), 404, "workspace_files.not_found");

    assertEquals(201, upload(alice, project, "/empty", Buffer.buffer()).statusCode());
    HttpResponse<Buffer> empty = alice.get(project + "/workspace/file?path=/empty");
    assertEquals(200, empty.statusCode());
    assertTrue(empty.body() == null || empty.body().length() == 0);

    assertEquals(204, alice.delete(project + "/workspace/file?path=/a/b.txt").statusCode());
    assertError(alice.get(project + "/workspace/file?path=/a/b.txt"), 404, "workspace_files.not_found");
    assertError(alice.delete(project + "/workspace/file?path=/a/b.txt"), 404, "workspace_files.not_found");
    assertError(alice.delete(project + "/workspace/file?path=/a"), 404, "workspace_files.not_found");
    assertEquals(List.of("file:empty"), names(listing(alice, project, "/")));
  }

  @Test
  void concurrentWritesToOnePathAndOneContentNeverFail(Vertx vertx) {
    String project = project(alice, "private");
    WebClient web = WebClient.create(vertx);
    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      writes.add(web.put(alice.port(), "127.0.0.1", project + "/workspace/file?path=/same.txt")
          .bearerTokenAuthentication(aliceUser.token()).sendBuffer(Buffer.buffer("version " + i)));
      writes.add(web.put(alice.port(), "127.0.0.1", project + "/workspace/file?path=/copies/" + i + ".txt")
          .bearerTokenAuthentication(aliceUser.token()).sendBuffer(Buffer.buffer("identical")));
      if (i % 3 == 0) {
        writes.add(web.delete(alice.port(), "127.0.0.1", project + "/workspace/file?path=/copies/" + i + ".txt")
            .bearerTokenAuthentication(aliceUser.token()).send());
      }
    }
    Await.await(Future.join(writes));
    for (Future<HttpResponse<Buffer>> write : writes) {
      assertTrue(write.result().statusCode() < 500, write.result().bodyAsString());
    }
    assertTrue(alice.get(project + "/workspace/file?path=/same.txt").bodyAsString().startsWith("version "));
    assertEquals("identical", alice.get(project + "/workspace/file?path=/copies/1.txt").bodyAsString());
    web.close();
  }

  @Test
  void sameContentInTwoPlacesSurvivesDeletingOne() {
    String project = project(alice, "private");
    put(alice, project, "/one.txt", "shared bytes");
    put(alice, project, "/two.txt", "shared bytes");
    assertEquals(204, alice.delete(project + "/workspace/file?path=/one.txt").statusCode());
    assertEquals("shared bytes", alice.get(project + "/workspace/file?path=/two.txt").bodyAsString());
  }

  @Test
  void uploadsOverTheLimitAre413AndSmallerJsonLimitDoesNotApply() {
    String project = project(alice, "private");
    assertError(upload(alice, project, "/too-big.bin", Buffer.buffer(new byte[MAX_FILE_BYTES + 1])), 413,
        "validation.body_too_large");
    assertEquals(201, upload(alice, project, "/just-fits.bin", Buffer.buffer(new byte[MAX_FILE_BYTES])).statusCode());
    assertError(alice.get(project + "/workspace/file?path=/too-big.bin"), 404, "workspace_files.not_found");
    assertEquals(200, alice.get(project + "/workspace").statusCode(), "the connection is still usable");
  }

  @Test
  void chunkedUploadsAreMeasuredAsTheyArrive(Vertx vertx) {
    String project = project(alice, "private");
    HttpClient http = vertx.createHttpClient();
    try {
      assertEquals(201, chunkedUpload(http, project + "/workspace/file?path=/streamed.bin", 40).statusCode());
      assertEquals(40 * 64 * 1024, alice.get(project + "/workspace/file?path=/streamed.bin").body().length());
      HttpClientResponse refused = chunkedUpload(http, project + "/workspace/file?path=/flood.bin", 200);
      assertEquals(413, refused.statusCode());
      assertError(alice.get(project + "/workspace/file?path=/flood.bin"), 404, "workspace_files.not_found");
    } finally {
      Await.await(http.close());
    }
  }

  /** Sends {@code chunks} chunks of 64 KiB with chunked transfer encoding (no Content-Length). */
  private static HttpClientResponse chunkedUpload(HttpClient http, String uri, int chunks) {
    return Await.await(http.request(new RequestOptions().setMethod(HttpMethod.PUT).setHost("127.0.0.1")
            .setPort(alice.port()).setURI(uri).putHeader("Authorization", "Bearer " + aliceUser.token()))
        .compose(request -> {
          request.setChunked(true);
          Future<HttpClientResponse> response = request.response();
          Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
          Future<Void> written = Future.succeededFuture();
          for (int i = 0; i < chunks; i++) {
            written = written.compose(v -> response.isComplete() ? Future.succeededFuture() : request.write(chunk));
          }
          written.onComplete(v -> request.end());
          return response.compose(r -> r.body().map(body -> r));
        }));
  }

  @Test
  void unicodeAndSpacesArePlainNames() {
    String project = project(alice, "private");
    put(alice, project, "/docs/Résumé final (v2).md", "ok");
    assertEquals(List.of("file:Résumé final (v2).md"), names(listing(alice, project, "/docs")));
    assertEquals("ok", alice.get(project + "/workspace/file?path=" + q("/docs/Résumé final (v2).md")).bodyAsString());
  }

  /** Raw query values, sent as they are: each must be refused as a path. */
  @ParameterizedTest
  @ValueSource(strings = {
      "..", "/..", "/../etc/passwd", "/a/../b", "/a/..", "/./a", "/a/./b", "/.",
      "%2e%2e", "/%2e%2e/etc/passwd", "/%2E%2E%2Fetc", "/..%2Fetc%2Fpasswd", "%2F..%2F..%2Fetc",
      "/%252e%252e/secret", "/a%255c..", "a/b", "relative.txt", "//etc/passwd", "/a//b", "/a/", "/a/b/",
      "/a%5Cb", "%5C..%5Cwindows", "/a%00b", "/a%0Ab", "/a%0Db", "/a%09b", "/a%7Fb", "/a%E2%80%AEb",
      "/a%E2%80%8Bb", "/%20/..", "", "%20", "C:%5Cwindows"})
  void badPathsAreRefused(String rawPath) {
    String project = project(alice, "private");
    put(alice, project, "/ok.txt", "fine");
    String query = "?path=" + rawPath;
    assertError(alice.get(project + "/workspace/file" + query), 400, "workspace_files.invalid_path");
    assertError(alice.send(HttpMethod.PUT, project + "/workspace/file" + query, Buffer.buffer("x")), 400,
        "workspace_files.invalid_path");
    assertError(alice.delete(project + "/workspace/file" + query), 400, "workspace_files.invalid_path");
    if (!rawPath.isEmpty()) {
      assertError(alice.get(project + "/workspace/files" + query), 400, "workspace_files.invalid_path");
    }
  }

  @Test
  void overLongPathsAreRefused() {
    String project = project(alice, "private");
    String longSegment = "/" + "s".repeat(256);
    String longPath = "/d".repeat(513);
    assertError(alice.get(project + "/workspace/file?path=" + longSegment), 400, "workspace_files.invalid_path");
    assertError(alice.get(project + "/workspace/file?path=" + longPath), 400, "workspace_files.invalid_path");
    assertError(alice.get(project + "/workspace/files?path=" + longPath), 400, "workspace_files.invalid_path");
    put(alice, project, "/" + "s".repeat(255), "max segment");
    assertError(alice.get(project + "/workspace/file?path=/ok.txt&path=/../x"), 400, "workspace_files.invalid_path");
  }

  @Test
  void filesNeedRunsReadAndUploadsThreadsWrite() {
    String project = project(alice, "private");
    put(alice, project, "/f.txt", "x");
    TestClient readProjectsOnly = TestAccounts.apiKeyClient(anonymous, alice, List.of("data.projects.read"));
    assertEquals(200, readProjectsOnly.get(project + "/workspace").statusCode());
    JsonObject error = assertError(readProjectsOnly.get(project + "/workspace/files"), 403, "auth.forbidden");
    assertEquals("data.runs.read", error.getJsonObject("details").getString("permission"));
    assertError(readProjectsOnly.get(project + "/workspace/file?path=/f.txt"), 403, "auth.forbidden");
    assertError(upload(readProjectsOnly, project, "/g.txt", Buffer.buffer("x")), 403, "auth.forbidden");
    assertError(readProjectsOnly.delete(project + "/workspace/file?path=/f.txt"), 403, "auth.forbidden");

    TestClient reader = TestAccounts.apiKeyClient(anonymous, alice, List.of("data.projects.read", "data.runs.read"));
    assertEquals("x", reader.get(project + "/workspace/file?path=/f.txt").bodyAsString());
    assertError(upload(reader, project, "/g.txt", Buffer.buffer("x")), 403, "auth.forbidden");
    TestClient noProjects = TestAccounts.apiKeyClient(anonymous, alice, List.of("data.runs.read"));
    assertError(noProjects.get(project + "/workspace"), 403, "auth.forbidden");
    assertError(anonymous.get(project + "/workspace/files"), 401, "auth.unauthorized");
    assertError(upload(anonymous, project, "/g.txt", Buffer.buffer("x")), 401, "auth.unauthorized");
  }

  @Test
  void membersSeedSharedProjectsButNotPrivateOnes() {
    String shared = project(aliceIn, "shared");
    assertEquals(201, upload(bobIn, shared, "/seed.txt", Buffer.buffer("from bob")).statusCode());
    assertEquals("from bob", aliceIn.get(shared + "/workspace/file?path=/seed.txt").bodyAsString());

    String privateProject = project(aliceIn, "private");
    put(aliceIn, privateProject, "/secret.txt", "alice only");
    assertError(bobIn.get(privateProject + "/workspace"), 404, "projects.not_found");
    assertError(bobIn.get(privateProject + "/workspace/files"), 404, "projects.not_found");
    assertError(bobIn.get(privateProject + "/workspace/file?path=/secret.txt"), 404, "projects.not_found");
    assertError(upload(bobIn, privateProject, "/secret.txt", Buffer.buffer("overwrite")), 404, "projects.not_found");
    assertError(bobIn.delete(privateProject + "/workspace/file?path=/secret.txt"), 404, "projects.not_found");
    assertEquals("alice only", aliceIn.get(privateProject + "/workspace/file?path=/secret.txt").bodyAsString());
    assertError(alice.get(privateProject + "/workspace/files"), 404, "projects.not_found");
    assertError(alice.get("/v1/projects/not-a-uuid/workspace"), 400, "validation.error");
  }
}
