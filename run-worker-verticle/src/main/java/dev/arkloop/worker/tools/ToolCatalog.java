package dev.arkloop.worker.tools;

import dev.arkloop.common.personas.Persona;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tools one run may use: what exists for the run (built-ins and the account's MCP tools),
 * narrowed by its persona. A tool is allowed when the allowlist (or {@code core_tools}) names it
 * and the denylist does not; list entries are exact names, {@code *}, or a prefix ending in
 * {@code *} ({@code mcp__*}). The denylist always wins. Allowed tools in {@code require_approval}
 * wait for a human before each call.
 */
public final class ToolCatalog {
  private final Map<String, Tool> tools;
  private final Persona persona;

  public ToolCatalog(List<Tool> available, Persona persona) {
    this.tools = new LinkedHashMap<>();
    available.forEach(tool -> tools.put(tool.name(), tool));
    this.persona = persona;
  }

  /** Why the persona refuses the tool ({@code denylist} or {@code not_in_allowlist}), or null if allowed. */
  public String denial(String name) {
    if (matches(persona.toolDenylist(), name)) {
      return "denylist";
    }
    boolean core = persona.coreTools().contains(name)
        || (Persona.EXECUTOR_INTERACTIVE.equals(persona.executorType()) && BuiltinTools.ASK_USER.equals(name));
    return core || matches(persona.toolAllowlist(), name) ? null : "not_in_allowlist";
  }

  public boolean needsApproval(String name) {
    return matches(persona.requireApproval(), name);
  }

  /** The tool of that name, allowed or not; null when there is none. */
  public Tool get(String name) {
    return tools.get(name);
  }

  /** What the model is told it may call. */
  public List<Tool> offered() {
    List<Tool> offered = new ArrayList<>();
    tools.values().stream().filter(tool -> denial(tool.name()) == null).forEach(offered::add);
    return offered;
  }

  public JsonArray specs() {
    JsonArray specs = new JsonArray();
    offered().forEach(tool -> specs.add(tool.spec()));
    return specs;
  }

  static boolean matches(List<String> patterns, String name) {
    for (String pattern : patterns) {
      if (pattern.equals("*") || pattern.equals(name)
          || (pattern.endsWith("*") && name.startsWith(pattern.substring(0, pattern.length() - 1)))) {
        return true;
      }
    }
    return false;
  }
}
