package dev.arkloop.api.threads;

import io.vertx.core.json.JsonArray;

/** One page of a list and the cursor of the next one (null on the last page). */
public record ThreadPage(JsonArray items, String nextCursor) {}
