package dev.arkloop.api.projects;

import java.util.UUID;

/** A project update: a field changes only when its {@code set…} flag is true (null then clears it). */
public record ProjectPatch(boolean setName, String name, boolean setDescription, String description,
    boolean setVisibility, String visibility, boolean setTeam, UUID teamId) {}
