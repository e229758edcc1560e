package dev.arkloop.common.personas;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The personas shipped in {@code conf/personas/<key>/}: {@code persona.yaml} (the Persona fields)
 * and {@code prompt.md} (the system prompt). {@code conf/personas/builtin.txt} lists the keys, one a
 * line, because a classpath directory cannot be listed inside a jar. Read once, at construction
 * (blocking: {@link #load(Vertx)} does it on a worker thread).
 */
public final class BuiltinPersonas {
  private static final String ROOT = "conf/personas/";
  private final List<Persona> personas;

  private BuiltinPersonas(List<Persona> personas) {
    this.personas = List.copyOf(personas);
  }

  /** Reads the files on a worker thread: verticles start on an event loop, which must not do file I/O. */
  public static Future<BuiltinPersonas> load(Vertx vertx) {
    return vertx.executeBlocking(BuiltinPersonas::load);
  }

  public static BuiltinPersonas load() {
    List<Persona> loaded = new ArrayList<>();
    for (String line : read(ROOT + "builtin.txt").split("\n")) {
      String key = line.trim();
      if (!key.isEmpty() && !key.startsWith("#")) {
        loaded.add(parse(key, read(ROOT + key + "/persona.yaml"), read(ROOT + key + "/prompt.md")));
      }
    }
    return new BuiltinPersonas(loaded);
  }

  static Persona parse(String key, String yaml, String prompt) {
    Object parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
    if (!(parsed instanceof Map)) {
      throw new IllegalStateException("persona " + key + ": persona.yaml must be a mapping");
    }
    JsonObject spec = new JsonObject(Json.encode(parsed));
    spec.put("persona_key", key);
    spec.put("version", String.valueOf(spec.getValue("version", "1")));
    spec.put("prompt_md", prompt.strip());
    spec.put("id", idOf(key, spec.getString("version")).toString());
    spec.put("scope", "platform");
    spec.put("source", "builtin");
    spec.put("created_at", null);
    return Persona.of(spec);
  }

  /** The stable id of a built-in persona (ids are UUIDs; built-ins have no row). */
  public static UUID idOf(String key, String version) {
    return UUID.nameUUIDFromBytes(("builtin:" + key + "@" + version).getBytes(StandardCharsets.UTF_8));
  }

  public List<Persona> all() {
    return personas;
  }

  /** The built-in of that key (and version, when given), or null. */
  public Persona find(String key, String version) {
    for (Persona persona : personas) {
      if (persona.key().equals(key) && (version == null || persona.version().equals(version))) {
        return persona;
      }
    }
    return null;
  }

  public boolean isBuiltinId(UUID id) {
    return personas.stream().anyMatch(p -> idOf(p.key(), p.version()).equals(id));
  }

  private static String read(String resource) {
    try (InputStream in = BuiltinPersonas.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException(resource + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
