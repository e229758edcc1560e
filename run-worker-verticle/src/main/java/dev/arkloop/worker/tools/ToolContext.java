package dev.arkloop.worker.tools;

import java.util.UUID;

/** Where a tool call happens: the run, its account and thread, and the user who started the run. */
public record ToolContext(UUID runId, UUID orgId, UUID threadId, UUID projectId, UUID runCreatorId) {}
