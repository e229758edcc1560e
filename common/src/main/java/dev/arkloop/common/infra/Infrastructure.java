package dev.arkloop.common.infra;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.db.DatabaseUrl;

/** The PostgreSQL and Redis this node talks to, and how to release whatever it started for them. */
public interface Infrastructure extends AutoCloseable {

  DatabaseUrl database();

  String redisUrl();

  /** Stops what this process started; external servers are left alone. */
  @Override
  void close();

  /** External servers where URLs are configured, embedded ones (started now, blocking) elsewhere. */
  static Infrastructure start(ArkloopConfig config) {
    ArkloopConfig.Infra infra = config.infra();
    if (!infra.embeddedDatabase() && !infra.embeddedRedis()) {
      DatabaseUrl database = DatabaseUrl.parse(infra.databaseUrl());
      String redisUrl = infra.redisUrl();
      return new Infrastructure() {
        @Override
        public DatabaseUrl database() {
          return database;
        }

        @Override
        public String redisUrl() {
          return redisUrl;
        }

        @Override
        public void close() {}
      };
    }
    return EmbeddedInfrastructure.start(config.dataDir(), infra);
  }
}
