package dev.arkloop.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import dev.arkloop.api.ApiTestNode;
import dev.arkloop.common.testing.TestClient;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Requests the router never sees, or sees only in part, written byte by byte on a real socket: each
 * gets the JSON error envelope, and nothing is logged with a stack trace.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class MalformedRequestTest {
  private static TestClient client;
  private static final List<ILoggingEvent> errors = new CopyOnWriteArrayList<>();
  private static AppenderBase<ILoggingEvent> appender;

  @BeforeAll
  static void start(Vertx vertx) {
    client = ApiTestNode.start(vertx).client();
    appender = new AppenderBase<>() {
      @Override
      protected void append(ILoggingEvent event) {
        if (event.getThrowableProxy() != null || event.getLevel().isGreaterOrEqual(ch.qos.logback.classic.Level.ERROR)) {
          errors.add(event);
        }
      }
    };
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    appender.setContext(root.getLoggerContext());
    appender.start();
    root.addAppender(appender);
  }

  @BeforeEach
  void clearLog() {
    errors.clear();
  }

  @AfterAll
  static void detach() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(appender);
  }

  /** A raw HTTP response: status, header block and body. */
  record Raw(int status, String head, String body) {
    JsonObject json() {
      return new JsonObject(body);
    }

    String header(String name) {
      for (String line : head.split("\r\n")) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }
  }

  /** Writes {@code request} as is and reads the response until the server closes or the body is complete. */
  static Raw exchange(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", client.port())) {
      socket.setSoTimeout(15_000);
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream received = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      while (true) {
        int n;
        try {
          n = in.read(buffer);
        } catch (java.net.SocketException reset) {
          break;
        }
        if (n < 0) {
          break;
        }
        received.write(buffer, 0, n);
        String text = received.toString(StandardCharsets.UTF_8);
        int end = text.indexOf("\r\n\r\n");
        if (end > 0) {
          Raw partial = parse(text);
          String length = partial.header("Content-Length");
          if (length != null && partial.body().getBytes(StandardCharsets.UTF_8).length >= Integer.parseInt(length)) {
            return partial;
          }
        }
      }
      String text = received.toString(StandardCharsets.UTF_8);
      assertTrue(text.startsWith("HTTP/1.1 "), () -> "no HTTP response, got: '" + text + "'");
      return parse(text);
    }
  }

  private static Raw parse(String text) {
    int end = text.indexOf("\r\n\r\n");
    String head = text.substring(0, end);
    return new Raw(Integer.parseInt(head.substring(9, 12)), head, text.substring(end + 4));
  }

  static JsonObject assertEnvelope(Raw response, int status, String reason) {
    assertEquals(status, response.status(), response::head);
    JsonObject body = response.json();
    assertEquals("validation.error", body.getString("error"), body::encode);
    assertEquals(reason, body.getJsonObject("details").getString("reason"), body::encode);
    assertEquals(response.header("X-Trace-Id"), body.getString("trace_id"));
    assertTrue(response.header("Content-Type").startsWith("application/json"));
    return body;
  }

  private static void assertNoStackTraces() {
    assertEquals(List.of(), errors.stream().map(e -> e.getLoggerName() + ": " + e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getClassName())).toList());
  }

  @Test
  void overLongUrlIs414Envelope() throws IOException {
    Raw response = exchange("GET /v1/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
    assertEnvelope(response, 414, "uri_too_long");
    assertNoStackTraces();
  }

  @Test
  void oversizedHeadersAre431Envelope() throws IOException {
    Raw response = exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n");
    assertEnvelope(response, 431, "headers_too_large");
    assertNoStackTraces();
  }

  @Test
  void garbageRequestIs400Envelope() throws IOException {
    Raw response = exchange("GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n"
        + "Content-Length: nope\r\n\r\n");
    assertEnvelope(response, 400, "malformed_request");
    assertNoStackTraces();
  }

  @Test
  void malformedChunkedBodyIs400Envelope() throws IOException {
    Raw response = exchange("POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Transfer-Encoding: chunked\r\n\r\nZZZ-not-hex\r\n{}\r\n0\r\n\r\n");
    assertEnvelope(response, 400, "malformed_request");
    assertNoStackTraces();
  }

  @Test
  void invalidUtf8InPercentEscapesIs400() throws IOException {
    for (String target : List.of("/v1/threads/%C3%28", "/v1/threads?q=%FF", "/v1/threads?x=%ED%A0%80",
        "/v1/threads/%C0%AF", "/v1/threads?q=%E2%82", "/v1/%2e%2e/metrics", "/v1/./threads")) {
      Raw response = exchange("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertEquals(400, response.status(), target);
      assertEquals("validation.error", response.json().getString("error"), target);
    }
    Raw ok = exchange("GET /v1/threads?q=%C3%A4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assertEquals(401, ok.status(), "valid UTF-8 reaches the route (which wants a token)");
    assertNoStackTraces();
  }
}
