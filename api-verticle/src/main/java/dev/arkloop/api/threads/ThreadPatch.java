package dev.arkloop.api.threads;

import java.util.UUID;

/** A thread update: a field is changed only when its {@code set…} flag is true (null then clears it). */
public record ThreadPatch(boolean setTitle, String title, boolean setProject, UUID projectId) {}
