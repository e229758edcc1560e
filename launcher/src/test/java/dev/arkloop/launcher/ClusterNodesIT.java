package dev.arkloop.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.arkloop.common.infra.EmbeddedInfrastructure;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.testing.TestInfra;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Separate JVMs with {@code --cluster} and external infrastructure form one Hazelcast event bus. */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterNodesIT {

  @Test
  void apiAndWorkerNodesJoinOneCluster() throws Exception {
    NodeEndpoints shared = TestInfra.get().newEndpoints();
    int clusterPort = 16000 + (int) (ProcessHandle.current().pid() % 2000) * 2;
    Map<String, String> env = Map.of(
        "ARKLOOP_DATABASE_URL", shared.database().toUrl(),
        "ARKLOOP_REDIS_URL", shared.redisUrl(),
        "ARKLOOP_CLUSTER_PORT", String.valueOf(clusterPort),
        "ARKLOOP_AUTH_JWT_SECRET", "cluster-test-secret-0123456789abcdef0123456789",
        "ARKLOOP_ENCRYPTION_KEY", "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff",
        "ARKLOOP_DATA_DIR", TestInfra.tempDir("arkloop-cluster").toString());

    try (NodeProcess worker = NodeProcess.startReady(env, EmbeddedInfrastructure.freePort(), "--cluster", "--role", "worker");
        NodeProcess api = NodeProcess.startReady(env, EmbeddedInfrastructure.freePort(), "--cluster", "--role=api")) {
      api.awaitLog("nodes: 2", Duration.ofSeconds(30));
      assertTrue(worker.output().contains("run worker started"), worker.output());
      assertEquals(200, api.get("/readyz").statusCode());
      assertEquals(143, api.terminate());
      assertEquals(143, worker.terminate());
    }
  }
}
