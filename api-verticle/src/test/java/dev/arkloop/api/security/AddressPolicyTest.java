package dev.arkloop.api.security;

import static dev.arkloop.common.testing.Await.await;
import static dev.arkloop.common.testing.TestClient.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.api.ApiTestNode;
import dev.arkloop.api.TestUsers;
import dev.arkloop.common.net.AddressPolicy;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.net.InetAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One address policy for every tenant-supplied URL: LLM provider base URLs and remote MCP servers
 * refuse the same reserved ranges, embedded-IPv4 forms and ambiguous numeric spellings as web_fetch.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AddressPolicyTest {
  /** Each is refused; none was by the provider and MCP checks before. */
  private static final List<String> REFUSED_HOSTS = List.of("0.1.2.3", "100.64.0.1", "192.0.0.8", "192.0.2.1",
      "198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1", "240.0.0.1", "255.255.255.255",
      "[::ffff:a00:1]", "[64:ff9b::a9fe:a9fe]", "[2002:a9fe:a9fe::1]", "[2001:0:4136:e378:8000:63bf:3fff:fdd2]",
      "0x08080808", "0x7f000001", "0177.0.0.1", "127.1", "8.8.8.010", "134744072");

  private static Vertx vertx;
  private static TestUsers.User admin;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    ApiTestNode node = ApiTestNode.start(vertx);
    TestUsers.register(node.client(), "root");
    admin = TestUsers.register(node.client(), "netadmin");
  }

  @AfterAll
  static void stop() {
    await(vertx.close());
  }

  @Test
  void providerBaseUrlsRefuseEveryReservedForm() {
    for (String host : REFUSED_HOSTS) {
      HttpResponse<Buffer> refused = admin.client().post("/v1/llm-providers", new JsonObject().put("name", "p")
          .put("provider", "openai").put("api_key", "sk-test-0123456789").put("base_url", "http://" + host + "/v1"));
      assertEquals("base_url", assertError(refused, 400, "validation.error").getJsonObject("details")
          .getString("field"), host);
    }
  }

  @Test
  void mcpServerUrlsRefuseEveryReservedForm() {
    for (String host : REFUSED_HOSTS) {
      HttpResponse<Buffer> refused = admin.client().post("/v1/mcp-configs", new JsonObject().put("name", "m")
          .put("transport", "streamable_http").put("url", "http://" + host + "/mcp"));
      assertError(refused, 400, "validation.error");
    }
    HttpResponse<Buffer> fine = admin.client().post("/v1/mcp-configs", new JsonObject().put("name", "m")
        .put("transport", "streamable_http").put("url", "http://93.184.215.14/mcp"));
    assertEquals(201, fine.statusCode(), fine.bodyAsString());
  }

  @Test
  void thePolicyReadsOnlyPlainSpellings() throws Exception {
    assertNotNull(AddressPolicy.literal("93.184.215.14"));
    assertEquals(null, AddressPolicy.literal("example.com"));
    assertEquals(null, AddressPolicy.literal("1e100.net"));
    for (String host : List.of("0x7f.1", "[fe80::1%eth0]", "1.2.3.4.", "01.2.3.4", "4294967295")) {
      assertThrows(AddressPolicy.Refused.class, () -> AddressPolicy.literal(host), host);
    }
    assertTrue(AddressPolicy.isPublic(InetAddress.getByName("2606:4700::1111")));
    assertFalse(AddressPolicy.isPublic(InetAddress.getByName("2002:0a00:0001::1")), "6to4 of 10.0.0.1");
    assertTrue(AddressPolicy.isPublic(InetAddress.getByName("2002:5db8:d70e::1")), "6to4 of a public address");
  }
}
