package dev.arkloop.common.infra;

import dev.arkloop.common.db.DatabaseUrl;

/** Where a verticle finds its infrastructure, and the schema version this build expects to find. */
public record NodeEndpoints(DatabaseUrl database, String redisUrl, String schemaVersion) {}
