package dev.arkloop.api.http;

import dev.arkloop.common.config.ArkloopConfig;
import dev.arkloop.common.infra.NodeEndpoints;
import dev.arkloop.common.redis.RedisKeys;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;

/** What every routes class of one API verticle instance shares. */
public record ApiContext(
    Vertx vertx, ArkloopConfig config, NodeEndpoints endpoints, Pool pool, Redis redis, RedisKeys keys) {}
