package dev.arkloop.common.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;

/**
 * Applies the SQL migrations in {@code db/migration} with Flyway. Blocking: call it before any
 * verticle is deployed. Flyway holds a PostgreSQL advisory lock while it migrates, so nodes that
 * start at the same time apply each migration once.
 */
public final class Migrations {
  private final Flyway flyway;

  public Migrations(DatabaseUrl database) {
    this.flyway = Flyway.configure()
        .dataSource(database.jdbcUrl(), database.user(), database.password())
        .locations("classpath:db/migration")
        .connectRetries(10)
        .load();
  }

  /** Applies pending migrations; returns the schema version now in force. */
  public String migrate() {
    flyway.migrate();
    return expectedVersion();
  }

  /** The version of the newest migration this build ships: what {@code /readyz} expects to find. */
  public String expectedVersion() {
    MigrationVersion latest = MigrationVersion.EMPTY;
    for (MigrationInfo info : flyway.info().all()) {
      if (info.getVersion() != null && info.getVersion().compareTo(latest) > 0) {
        latest = info.getVersion();
      }
    }
    return latest.getVersion();
  }
}
