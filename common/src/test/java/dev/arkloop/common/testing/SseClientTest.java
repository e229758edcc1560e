package dev.arkloop.common.testing;

import static dev.arkloop.common.testing.Await.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The test SSE client reads frames however the server groups them into writes. */
@ExtendWith(VertxExtension.class)
class SseClientTest {

  @Test
  void framesWrittenTogetherOrApartAreAllRead(Vertx vertx) {
    StringBuilder many = new StringBuilder();
    for (int i = 3; i <= 200; i++) {
      many.append("id: ").append(i).append("\ndata: {\"seq\":").append(i).append("}\n\n");
    }
    HttpServer server = await(vertx.createHttpServer().requestHandler(request -> {
      var response = request.response().setChunked(true);
      response.write(": ping\n\nid: 1\ndata: {\"seq\":1}\n\n");
      vertx.setTimer(50, t -> {
        response.write("id: 2\ndata: {\"seq\":2}\n\n");
        vertx.setTimer(50, t2 -> {
          response.write(many.toString());
          response.end();
        });
      });
    }).listen(0, "127.0.0.1"));
    SseClient sse = await(SseClient.open(vertx, server.actualPort(), "/", Map.of()));
    await(sse.ended());
    assertEquals(200, sse.frames().size());
    assertEquals(200, sse.frames().get(199).id());
  }
}
