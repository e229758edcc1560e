package dev.arkloop.api.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Operation ids derived from method and path, so generated clients read well:
 * <ul>
 *   <li>the name is the path's literal segments after {@code /v1}, joined by dots;</li>
 *   <li>on an item ({@code .../{id}}): GET {@code get}, PATCH {@code update}, PUT {@code replace},
 *       DELETE {@code delete};</li>
 *   <li>on a collection (a literal segment that also answers GET, or a top-level one): POST
 *       {@code create}; GET {@code list} for plural names, {@code get} for singular ones;</li>
 *   <li>POST on a literal segment that has no GET is an action named by that segment
 *       ({@code POST /v1/runs/{run_id}/cancel} is {@code runs.cancel}, {@code /v1/auth/login} is
 *       {@code auth.login}); PUT and DELETE on it append {@code put} / {@code delete}.</li>
 * </ul>
 */
public final class OperationIds {
  private static final Set<String> SINGULAR_ENDINGS = Set.of("status", "usage", "credits", "settings", "access");

  private OperationIds() {}

  /**
   * @param path OpenAPI form ({@code /v1/threads/{thread_id}})
   * @param hasGet whether the same path also answers GET
   */
  public static String derive(String method, String path, boolean hasGet) {
    List<String> segments = new ArrayList<>();
    String[] parts = path.split("/");
    boolean lastIsParameter = false;
    for (String part : parts) {
      if (part.isEmpty() || part.equals("v1")) {
        continue;
      }
      lastIsParameter = part.startsWith("{");
      if (!lastIsParameter) {
        segments.add(part.replace('-', '_').replace(".", "_"));
      }
    }
    if (segments.isEmpty()) {
      segments.add("root");
    }
    String name = String.join(".", segments);
    String last = segments.get(segments.size() - 1);
    String verb = switch (method.toUpperCase()) {
      case "GET" -> lastIsParameter || !plural(last) ? "get" : "list";
      case "PATCH" -> "update";
      case "PUT" -> lastIsParameter ? "replace" : "put";
      case "DELETE" -> "delete";
      case "POST" -> lastIsParameter || hasGet || segments.size() == 1 ? "create" : null;
      default -> method.toLowerCase();
    };
    return verb == null ? name : name + "." + verb;
  }

  private static boolean plural(String segment) {
    return segment.endsWith("s") && !SINGULAR_ENDINGS.contains(segment);
  }
}
