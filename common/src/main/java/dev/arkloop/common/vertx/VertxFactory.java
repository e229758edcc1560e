package dev.arkloop.common.vertx;

import com.hazelcast.config.ClasspathXmlConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import dev.arkloop.common.config.ArkloopConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the node's Vert.x instance: with Micrometer metrics, clustered over Hazelcast when asked. */
public final class VertxFactory {
  private static final Logger LOG = LoggerFactory.getLogger(VertxFactory.class);
  public static final String CLUSTER_CONFIG_RESOURCE = "conf/cluster.xml";

  private VertxFactory() {}

  public static Future<Vertx> create(ArkloopConfig config) {
    VertxOptions options = new VertxOptions()
        .setMetricsOptions(new MicrometerMetricsOptions()
            .setEnabled(true)
            .setJvmMetricsEnabled(true)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    // one event loop per core, not Vert.x's two: every handoff between loops costs a wake-up system call
    options.setEventLoopPoolSize(config.http().eventLoops() == 0
        ? Runtime.getRuntime().availableProcessors() : config.http().eventLoops());
    VertxBuilder builder = Vertx.builder().with(options).withMetrics(new MicrometerMetricsFactory());
    ArkloopConfig.Cluster cluster = config.cluster();
    if (!cluster.enabled()) {
      return Future.succeededFuture(builder.build());
    }
    options.getEventBusOptions().setHost(cluster.host()).setPort(0);
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(hazelcastConfig(cluster));
    return builder.withClusterManager(clusterManager).buildClustered()
        .onSuccess(vertx -> LOG.info("cluster joined [node: {}, nodes: {}]",
            clusterManager.getNodeId(), clusterManager.getNodes().size()));
  }

  static Config hazelcastConfig(ArkloopConfig.Cluster cluster) {
    Config hazelcast = new ClasspathXmlConfig(CLUSTER_CONFIG_RESOURCE);
    NetworkConfig network = hazelcast.getNetworkConfig();
    network.setPort(cluster.port());
    network.getInterfaces().setEnabled(true).setInterfaces(List.of(cluster.host()));
    if (!cluster.members().isEmpty()) {
      network.getJoin().getTcpIpConfig().setEnabled(true).setMembers(cluster.members());
    }
    return hazelcast;
  }
}
