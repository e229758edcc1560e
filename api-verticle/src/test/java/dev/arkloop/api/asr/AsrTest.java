package dev.arkloop.api.asr;

import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.Await;
import dev.arkloop.common.testing.TestClient;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ASR credentials and transcription through the real API, against a local fake transcription
 * server speaking the OpenAI-compatible multipart protocol ({@code transcribeAudio} and the
 * {@code AsrCredential} calls in the original's {@code src/apps/web/src/api.ts}).
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 120, timeUnit = TimeUnit.SECONDS)
class AsrTest {
  private static final String KEY = "gsk_test_0123456789abcdefSECRET";
  private static final String MIB = "x".repeat(1024 * 1024);
  private static Vertx vertx;
  private static ApiTestNode node;
  private static ApiTestNode strict;
  private static FakeTranscriptionServer fake;
  private static User root;
  private static User alice;

  @BeforeAll
  static void start(Vertx v) {
    vertx = v;
    fake = FakeTranscriptionServer.start(vertx, KEY);
    Map<String, String> settings = new HashMap<>(TestAccounts.NO_RATE_LIMITS);
    settings.put("ARKLOOP_ALLOW_PRIVATE_PROVIDER_URLS", "1");
    node = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), settings);
    strict = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), TestAccounts.NO_RATE_LIMITS);
    root = TestUsers.register(node.client(), "root");
    alice = TestUsers.register(node.client(), "alice");
    JsonObject credential = create(alice.client(), "", new JsonObject().put("name", "main").put("provider", "groq")
        .put("api_key", KEY).put("model", "whisper-large-v3").put("base_url", fake.baseUrl()).put("is_default", true));
    assertEquals(true, credential.getBoolean("is_default"));
  }

  private static JsonObject create(TestClient client, String query, JsonObject body) {
    io.vertx.ext.web.client.HttpResponse<Buffer> response = client.post("/v1/asr-credentials" + query, body);
    assertEquals(201, response.statusCode(), response.bodyAsString());
    assertFalse(response.bodyAsString().contains(KEY));
    return response.bodyAsJsonObject();
  }

  @Test
  void credentialsAreManagedWithoutEverShowingTheKey() {
    User bob = TestUsers.register(node.client(), "bob");
    JsonObject first = create(bob.client(), "", new JsonObject().put("name", "one").put("provider", "openai")
        .put("api_key", KEY).put("model", "whisper-1").put("is_default", true));
    assertEquals("org", first.getString("scope"));
    assertEquals(bob.orgId(), first.getString("account_id"));
    assertTrue(first.getString("key_prefix").startsWith("gsk_"));
    JsonObject second = create(bob.client(), "?scope=user", new JsonObject().put("name", "two").put("provider", "groq")
        .put("api_key", KEY).put("model", "whisper-large-v3"));
    assertEquals("asr_credentials.name_conflict", assertError(bob.client().post("/v1/asr-credentials",
        new JsonObject().put("name", "one").put("provider", "groq").put("api_key", KEY).put("model", "m")), 409,
        "asr_credentials.name_conflict").getString("code"));
    assertError(bob.client().post("/v1/asr-credentials", new JsonObject().put("name", "x").put("provider", "azure")
        .put("api_key", KEY).put("model", "m")), 400, "validation.error");

    io.vertx.ext.web.client.HttpResponse<Buffer> updated = bob.client().put("/v1/asr-credentials/" + second.getString("id"),
        new JsonObject().put("model", "distil-whisper"));
    assertEquals("distil-whisper", updated.bodyAsJsonObject().getString("model"), updated.bodyAsString());
    assertEquals(200, bob.client().post("/v1/asr-credentials/" + second.getString("id") + "/set-default", null)
        .statusCode());
    JsonArray listed = bob.client().get("/v1/asr-credentials").bodyAsJsonArray();
    assertFalse(listed.encode().contains(KEY));
    assertEquals(1, listed.stream().filter(c -> ((JsonObject) c).getBoolean("is_default")).count(), "one default");
    assertTrue(listed.stream().map(JsonObject.class::cast).filter(c -> c.getBoolean("is_default"))
        .allMatch(c -> c.getString("id").equals(second.getString("id"))));

    // another account's credential is not there
    assertError(alice.client().delete("/v1/asr-credentials/" + second.getString("id")), 404,
        "asr_credentials.not_found");
    assertEquals(200, bob.client().delete("/v1/asr-credentials/" + second.getString("id")).statusCode());
    assertError(bob.client().delete("/v1/asr-credentials/" + second.getString("id")), 404, "asr_credentials.not_found");
  }

  @Test
  void privateBaseUrlsAreRefusedUnlessAllowed() {
    User carol = TestUsers.register(strict.client(), "carol");
    JsonObject error = assertError(carol.client().post("/v1/asr-credentials", new JsonObject().put("name", "x")
        .put("provider", "openai").put("api_key", KEY).put("model", "whisper-1")
        .put("base_url", "http://127.0.0.1:9/v1")), 400, "validation.error");
    assertEquals("base_url", error.getJsonObject("details").getString("field"));
  }

  @Test
  void withoutACredentialTranscriptionIsNotConfigured() {
    User dave = TestUsers.register(node.client(), "dave");
    Answer response = upload(dave, "hello".getBytes(), "en");
    assertEquals(422, response.statusCode(), response.bodyAsString());
    assertEquals("asr.not_configured", response.bodyAsJsonObject().getString("code"));
  }

  @Test
  void aSmallFileIsTranscribedWithItsLanguage() {
    Answer response = upload(alice, "RIFF-fake-audio".getBytes(), "zh");
    assertEquals(200, response.statusCode(), response.bodyAsString());
    JsonObject answer = response.bodyAsJsonObject();
    assertEquals("heard 15 bytes", answer.getString("text"));
    assertEquals("english", answer.getString("language"));
    assertEquals(1.5, answer.getDouble("duration_s"));
    JsonObject seen = fake.lastRequest.get();
    assertEquals("Bearer " + KEY, seen.getString("authorization"));
    assertTrue(seen.getString("content_type").startsWith("multipart/form-data; boundary="));
    assertEquals("file", seen.getString("file_field"));
    assertEquals("voice.webm", seen.getString("filename"));
    assertEquals("audio/webm", seen.getString("file_type"));
    assertEquals("whisper-large-v3", seen.getString("model"));
    assertEquals("zh", seen.getString("language"));
    assertEquals("verbose_json", seen.getString("response_format"));
  }

  @Test
  void upstreamErrorsAre502WithTheStatusAndNoKey() {
    fake.failWithStatus = 500;
    try {
      Answer response = upload(alice, "abc".getBytes(), null);
      assertEquals(502, response.statusCode(), response.bodyAsString());
      JsonObject body = response.bodyAsJsonObject();
      assertEquals("asr.upstream_error", body.getString("code"));
      assertEquals(500, body.getJsonObject("details").getInteger("upstream_status"));
      assertFalse(response.bodyAsString().contains(KEY));
    } finally {
      fake.failWithStatus = 0;
    }
  }

  @Test
  void theAccountsDefaultWinsOverThePlatforms() {
    create(root.client(), "?scope=platform", new JsonObject().put("name", "platform-asr").put("provider", "openai")
        .put("api_key", "sk-platform-key-000000").put("model", "whisper-1").put("base_url", fake.baseUrl())
        .put("is_default", true));
    User erin = TestUsers.register(node.client(), "erin");
    // erin's account has none: the platform's default answers, with its own key (the fake refuses it)
    assertEquals(502, upload(erin, "abc".getBytes(), null).statusCode());
    assertEquals("Bearer sk-platform-key-000000", fake.lastRequest.get().getString("authorization"));
    // alice's account default is used, not the platform's
    assertEquals(200, upload(alice, "abc".getBytes(), null).statusCode());
    assertEquals("Bearer " + KEY, fake.lastRequest.get().getString("authorization"));
  }

  /**
   * 20 MiB go through while the node's heap stays flat: the client stops after 10 MiB until the fake
   * upstream has received 8 of them, which can only happen if the node relays as it reads (a node
   * that buffered the file would wait for the rest forever and the test would time out).
   */
  @Test
  void aLargeUploadIsStreamedNotBuffered() {
    System.gc();
    long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long start = fake.fileBytesReceived.get();
    Answer response = Await.await(streamUpload(alice, 20, 10, start + 8L * 1024 * 1024), 100);
    assertEquals(200, response.statusCode(), response.bodyAsString());
    assertEquals("heard " + 20L * 1024 * 1024 + " bytes", response.bodyAsJsonObject().getString("text"));
    System.gc();
    long heapAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    assertTrue(heapAfter - heapBefore < 16L * 1024 * 1024, "heap grew by " + (heapAfter - heapBefore));

    Answer tooLarge = Await.await(streamUpload(alice, 26, 26, 0), 100);
    assertEquals(413, tooLarge.statusCode(), tooLarge.bodyAsString());
  }

  private static Answer upload(User user, byte[] file, String language) {
    String boundary = "test-boundary-1234";
    Buffer body = Buffer.buffer("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; "
        + "filename=\"voice.webm\"\r\nContent-Type: audio/webm\r\n\r\n").appendBytes(file).appendString("\r\n");
    if (language != null) {
      body.appendString("--" + boundary + "\r\nContent-Disposition: form-data; name=\"language\"\r\n\r\n" + language
          + "\r\n");
    }
    body.appendString("--" + boundary + "--\r\n");
    HttpClient http = vertx.createHttpClient();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(node.client().port()).setURI("/v1/asr/transcribe")
        .putHeader("Authorization", "Bearer " + user.token())
        .putHeader("Content-Type", "multipart/form-data; boundary=" + boundary);
    return Await.await(http.request(options)
        .compose(request -> request.send(body))
        .compose(response -> response.body().map(bytes -> new Answer(response.statusCode(), bytes)))
        .eventually(() -> http.close()));
  }

  /** A response as these tests read it. */
  record Answer(int statusCode, Buffer body) {
    JsonObject bodyAsJsonObject() {
      return new JsonObject(body);
    }

    String bodyAsString() {
      return body.toString();
    }
  }

  /** Sends {@code mib} MiB of file, pausing after {@code pauseAfterMib} until the fake has {@code waitFor} bytes. */
  private static Future<Answer> streamUpload(User user, int mib, int pauseAfterMib, long waitFor) {
    String boundary = "stream-boundary-5678";
    HttpClient http = vertx.createHttpClient();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1")
        .setPort(node.client().port()).setURI("/v1/asr/transcribe")
        .putHeader("Authorization", "Bearer " + user.token())
        .putHeader("Content-Type", "multipart/form-data; boundary=" + boundary);
    Promise<Answer> done = Promise.promise();
    vertx.runOnContext(v -> http.request(options).onFailure(done::tryFail).onSuccess(request -> {
      request.setChunked(true);
      request.response().compose(response -> response.body().map(body -> new Answer(
          response.statusCode(), body))).onComplete(done);
      request.write("--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.wav\"\r\n"
          + "Content-Type: audio/wav\r\n\r\n");
      pump(request, boundary, 0, mib, pauseAfterMib, waitFor);
    }));
    return done.future().eventually(() -> http.close());
  }

  private static void pump(HttpClientRequest request, String boundary, int sent, int mib, int pauseAfterMib,
      long waitFor) {
    if (sent == mib) {
      request.end("\r\n--" + boundary + "--\r\n");
      return;
    }
    if (sent == pauseAfterMib && fake.fileBytesReceived.get() < waitFor) {
      vertx.setTimer(20, t -> pump(request, boundary, sent, mib, pauseAfterMib, waitFor));
      return;
    }
    request.write(MIB).onComplete(written -> {
      if (written.failed()) {
        return; // the node refused the rest (413): its answer is already on its way
      }
      pump(request, boundary, sent + 1, mib, pauseAfterMib, waitFor);
    });
  }
}
