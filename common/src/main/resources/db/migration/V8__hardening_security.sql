-- Security hardening. A stdio MCP config runs a command on the worker host: the worker uses one only
-- while the platform admin who last created, changed or enabled it still is one. Configs from before
-- have no such admin and stay unused until a platform admin saves them again.
ALTER TABLE mcp_configs ADD COLUMN stdio_approved_by uuid REFERENCES users (id) ON DELETE SET NULL;
