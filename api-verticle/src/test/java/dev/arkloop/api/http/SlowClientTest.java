package dev.arkloop.api.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestAccounts;
import dev.arkloop.api.TestUsers;
import dev.arkloop.api.TestUsers.User;
import dev.arkloop.common.testing.TestInfra;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Slow and greedy clients on real sockets: header and body timeouts, idle keep-alive connections,
 * and the cap on open connections per client address (SSE streams included). The timeouts are
 * shortened for the test; their defaults are checked by the configuration test.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 90, timeUnit = TimeUnit.SECONDS)
class SlowClientTest {
  private static final int CAP = 4;
  private static int port;
  private static User alice;

  @BeforeAll
  static void start(Vertx vertx) {
    Map<String, String> settings = new HashMap<>(TestAccounts.NO_RATE_LIMITS);
    settings.putAll(Map.of("ARKLOOP_HTTP_HEADER_TIMEOUT_SECONDS", "1", "ARKLOOP_HTTP_BODY_IDLE_TIMEOUT_SECONDS", "1",
        "ARKLOOP_HTTP_IDLE_TIMEOUT_SECONDS", "2", "ARKLOOP_MAX_CONNECTIONS_PER_IP", String.valueOf(CAP)));
    ApiTestNode node = ApiTestNode.start(vertx, TestInfra.get().newEndpoints(), settings);
    port = node.client().port();
    alice = TestUsers.register(node.client(), "alice");
  }

  private static Socket open() throws IOException {
    Socket socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(20_000);
    return socket;
  }

  private static void send(Socket socket, String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
  }

  /** Reads one response with a Content-Length body; null when the server closed first. */
  private static String readResponse(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        return received.size() == 0 ? null : received.toString(StandardCharsets.UTF_8);
      }
      received.write(b);
      String text = received.toString(StandardCharsets.UTF_8);
      int end = text.indexOf("\r\n\r\n");
      if (end > 0) {
        String length = header(text.substring(0, end), "Content-Length");
        if (length == null || text.length() - end - 4 >= Integer.parseInt(length)) {
          return text;
        }
      }
    }
  }

  private static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }

  private static int status(String response) {
    return Integer.parseInt(response.substring(9, 12));
  }

  private static JsonObject body(String response) {
    return new JsonObject(response.substring(response.indexOf("\r\n\r\n") + 4));
  }

  /** Blocks until the server closes the connection (read returns end of stream or a reset). */
  private static void awaitClosed(Socket socket) throws IOException {
    try {
      while (socket.getInputStream().read() >= 0) {
        // drain what is left
      }
    } catch (java.net.SocketException reset) {
      // closed
    }
  }

  @Test
  void headersSentTooSlowlyAre408AndClosed() throws Exception {
    try (Socket socket = open()) {
      long started = System.nanoTime();
      send(socket, "GET /healthz HTTP/1.1\r\nHost: x\r\n");
      // a byte every 200 ms: each read resets any idle timer, only a header deadline stops this
      String response = null;
      for (int i = 0; i < 100 && response == null; i++) {
        try {
          send(socket, "X");
        } catch (IOException closed) {
          break;
        }
        socket.setSoTimeout(200);
        try {
          response = readResponse(socket);
        } catch (SocketTimeoutException stillOpen) {
          // keep trickling
        }
      }
      assertTrue(response != null, "the server never answered the trickling client");
      assertEquals(408, status(response), response);
      assertEquals("header_timeout", body(response).getJsonObject("details").getString("reason"));
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10));
    }
  }

  @Test
  void stalledBodyIs408AndClosed() throws Exception {
    try (Socket socket = open()) {
      send(socket, "POST /v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Content-Length: 100\r\n\r\n{\"login\":");
      String response = readResponse(socket);
      assertEquals(408, status(response), response);
      assertEquals("body_timeout", body(response).getJsonObject("details").getString("reason"));
      awaitClosed(socket);
    }
  }

  @Test
  void idleKeepAliveConnectionIsClosed() throws Exception {
    try (Socket socket = open()) {
      send(socket, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
      assertEquals(200, status(readResponse(socket)));
      long started = System.nanoTime();
      awaitClosed(socket);
      assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(15));
    }
  }

  @Test
  void connectionsOverThePerAddressCapAre429() throws Exception {
    String thread = alice.client().post("/v1/threads", new JsonObject().put("title", "t")).bodyAsJsonObject()
        .getString("id");
    String runId = alice.client().post("/v1/threads/" + thread + "/runs", new JsonObject()).bodyAsJsonObject()
        .getString("run_id");
    List<Socket> streams = new ArrayList<>();
    try {
      // SSE streams count as the address's connections (with whatever the test's own client keeps open)
      String refused = null;
      for (int i = 0; i <= CAP && refused == null; i++) {
        Socket stream = open();
        send(stream, "GET /v1/runs/" + runId + "/events HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
            + alice.token() + "\r\nAccept: text/event-stream\r\n\r\n");
        String head = readHead(stream);
        if (head.startsWith("HTTP/1.1 200")) {
          streams.add(stream);
        } else {
          refused = head + readBody(stream, head);
          stream.close();
        }
      }
      assertTrue(refused != null, "no connection was refused");
      assertTrue(streams.size() <= CAP && !streams.isEmpty(), "held " + streams.size());
      assertEquals(429, status(refused), refused);
      assertEquals("1", header(refused, "Retry-After"));
      JsonObject error = body(refused);
      assertEquals("rate_limit", error.getString("error"));
      assertEquals("connections", error.getJsonObject("details").getString("reason"));

      // closing one makes room again; a keep-alive connection in that room is closed once idle
      streams.remove(0).close();
      String accepted = null;
      try (Socket keepAlive = open()) {
        for (int i = 0; i < 50 && accepted == null; i++) {
          Socket attempt = i == 0 ? keepAlive : open();
          send(attempt, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
          String response = readResponse(attempt);
          if (status(response) == 200) {
            accepted = response;
            awaitClosed(attempt);
          }
          if (attempt != keepAlive) {
            attempt.close();
          }
        }
      }
      assertTrue(accepted != null, "no room after a stream closed");
      // the streams had been quiet longer than the idle timeout by then, and are still open
      for (Socket stream : streams) {
        stream.setSoTimeout(300);
        assertThrows(SocketTimeoutException.class, () -> {
          while (true) {
            if (stream.getInputStream().read() < 0) {
              throw new IOException("an SSE stream was closed as idle");
            }
          }
        });
      }
    } finally {
      for (Socket stream : streams) {
        stream.close();
      }
    }
  }

  private static String readBody(Socket socket, String head) throws IOException {
    int length = Integer.parseInt(header(head, "Content-Length"));
    byte[] body = socket.getInputStream().readNBytes(length);
    return new String(body, StandardCharsets.UTF_8);
  }

  private static String readHead(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream received = new ByteArrayOutputStream();
    while (!received.toString(StandardCharsets.UTF_8).contains("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      received.write(b);
    }
    return received.toString(StandardCharsets.UTF_8);
  }
}
