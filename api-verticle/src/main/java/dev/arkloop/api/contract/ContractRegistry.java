package dev.arkloop.api.contract;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The declared contracts, keyed by method and OpenAPI path ({@code POST /v1/threads/{thread_id}/runs}),
 * and the named schemas they reference. Every mounted route must have one: the document refuses to
 * build without it, so a route cannot exist without its contract entry.
 */
public final class ContractRegistry {
  private final Map<String, OperationContract> operations = new LinkedHashMap<>();
  private final Map<String, JsonSchema> schemas = new LinkedHashMap<>();

  /** The registry of every resource's declarations. */
  public static ContractRegistry standard() {
    ContractRegistry registry = new ContractRegistry();
    CommonSchemas.declare(registry);
    AuthContracts.declare(registry);
    MeContracts.declare(registry);
    ThreadContracts.declare(registry);
    RunContracts.declare(registry);
    ProjectContracts.declare(registry);
    PlatformContracts.declare(registry);
    IdentityContracts.declare(registry);
    NotificationContracts.declare(registry);
    BillingContracts.declare(registry);
    AdminContracts.declare(registry);
    ProviderContracts.declare(registry);
    ToolContracts.declare(registry);
    return registry;
  }

  public OperationContract declare(String method, String path, String summary) {
    OperationContract contract = new OperationContract(summary);
    if (operations.putIfAbsent(key(method, path), contract) != null) {
      throw new IllegalStateException("declared twice: " + key(method, path));
    }
    return contract;
  }

  public void schema(String name, JsonSchema schema) {
    schemas.put(name, schema);
  }

  public OperationContract find(String method, String path) {
    return operations.get(key(method, path));
  }

  public Map<String, OperationContract> operations() {
    return Map.copyOf(operations);
  }

  public Map<String, JsonSchema> schemas() {
    return schemas;
  }

  public static String key(String method, String path) {
    return method.toUpperCase() + " " + path;
  }
}
