package dev.arkloop.launcher.gateway;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a small IPv4 MaxMind DB file (https://maxmind.github.io/MaxMind-DB/) for tests: a binary
 * search tree of 24-bit records, 16 zero bytes, the data section, then the metadata after its marker.
 * Each network maps to a GeoIP2 City record holding a country ISO code and an English city name.
 */
final class MaxMindDbFile {
  private static final byte[] METADATA_MARKER = {(byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 'M', 'a', 'x', 'M', 'i',
      'n', 'd', '.', 'c', 'o', 'm'};
  private static final int DATA_SEPARATOR = 16;

  private static final class Node {
    Object[] children = new Object[2]; // a Node, an Integer data offset, or null (no data)
  }

  private final Node root = new Node();
  private final ByteArrayOutputStream data = new ByteArrayOutputStream();

  /** Maps {@code a.b.c.d/prefix} to a city record. */
  MaxMindDbFile city(String cidr, String countryIsoCode, String cityName) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("country", Map.of("iso_code", countryIsoCode, "names", Map.of("en", countryIsoCode)));
    record.put("city", Map.of("names", Map.of("en", cityName)));
    int offset = data.size();
    encode(data, record);
    String[] parts = cidr.split("/");
    String[] octets = parts[0].split("\\.");
    long address = 0;
    for (String octet : octets) {
      address = address << 8 | Integer.parseInt(octet);
    }
    int prefix = Integer.parseInt(parts[1]);
    Node node = root;
    for (int bit = 0; bit < prefix; bit++) {
      int side = (int) (address >>> (31 - bit)) & 1;
      if (bit == prefix - 1) {
        node.children[side] = offset;
      } else {
        if (!(node.children[side] instanceof Node)) {
          node.children[side] = new Node();
        }
        node = (Node) node.children[side];
      }
    }
    return this;
  }

  Path write(Path file) throws Exception {
    List<Node> nodes = new ArrayList<>();
    Map<Node, Integer> numbers = new HashMap<>();
    ArrayDeque<Node> queue = new ArrayDeque<>(List.of(root));
    while (!queue.isEmpty()) {
      Node node = queue.poll();
      numbers.put(node, nodes.size());
      nodes.add(node);
      for (Object child : node.children) {
        if (child instanceof Node next) {
          queue.add(next);
        }
      }
    }
    int nodeCount = nodes.size();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Node node : nodes) {
      for (Object child : node.children) {
        long record = child == null ? nodeCount
            : child instanceof Node next ? numbers.get(next) : nodeCount + DATA_SEPARATOR + (Integer) child;
        out.write((int) (record >>> 16) & 0xFF);
        out.write((int) (record >>> 8) & 0xFF);
        out.write((int) record & 0xFF);
      }
    }
    out.write(new byte[DATA_SEPARATOR]);
    data.writeTo(out);
    out.write(METADATA_MARKER);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("node_count", new Unsigned(nodeCount, 6));
    metadata.put("record_size", new Unsigned(24, 5));
    metadata.put("ip_version", new Unsigned(4, 5));
    metadata.put("database_type", "GeoLite2-City");
    metadata.put("languages", List.of("en"));
    metadata.put("binary_format_major_version", new Unsigned(2, 5));
    metadata.put("binary_format_minor_version", new Unsigned(0, 5));
    metadata.put("build_epoch", new Unsigned(System.currentTimeMillis() / 1000, 9));
    metadata.put("description", Map.of("en", "Arkloop test networks"));
    encode(out, metadata);
    return Files.write(file, out.toByteArray());
  }

  /** An unsigned integer of a data-section type: 5 = uint16, 6 = uint32, 9 = uint64. */
  private record Unsigned(long value, int type) {}

  private static void encode(ByteArrayOutputStream out, Object value) {
    if (value instanceof String text) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      control(out, 2, bytes.length);
      out.writeBytes(bytes);
    } else if (value instanceof Unsigned number) {
      int length = 0;
      for (long rest = number.value(); rest != 0; rest >>>= 8) {
        length++;
      }
      control(out, number.type(), length);
      for (int i = length - 1; i >= 0; i--) {
        out.write((int) (number.value() >>> (8 * i)) & 0xFF);
      }
    } else if (value instanceof Map<?, ?> map) {
      control(out, 7, map.size());
      map.forEach((key, item) -> {
        encode(out, key);
        encode(out, item);
      });
    } else if (value instanceof List<?> list) {
      control(out, 11, list.size());
      list.forEach(item -> encode(out, item));
    } else {
      throw new IllegalArgumentException("not encodable: " + value);
    }
  }

  /** A control byte: the type in its top 3 bits (0 = extended, type - 7 in the next byte), the size below. */
  private static void control(ByteArrayOutputStream out, int type, int size) {
    if (size >= 29) {
      throw new IllegalArgumentException("test values stay under 29 bytes or entries");
    }
    if (type <= 7) {
      out.write(type << 5 | size);
    } else {
      out.write(size);
      out.write(type - 7);
    }
  }
}
