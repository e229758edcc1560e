-- Personas (platform and account layers over the built-in files), tool provider credentials, MCP
-- server configs. Secrets (API keys, bearer tokens, MCP env) are stored sealed with AES-256-GCM.

-- A persona row: the scope and the key columns; everything else (prompt, tool policy, budgets,
-- model selector, executor) is the API's JSON in spec, so a new persona field needs no migration.
CREATE TABLE personas (
  id          uuid        PRIMARY KEY,
  scope       text        NOT NULL CHECK (scope IN ('platform', 'org')),
  -- NULL for platform rows.
  org_id      uuid        REFERENCES orgs (id) ON DELETE CASCADE,
  persona_key text        NOT NULL,
  version     text        NOT NULL,
  is_active   boolean     NOT NULL DEFAULT true,
  spec        jsonb       NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at  timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  CHECK ((scope = 'platform') = (org_id IS NULL))
);
CREATE UNIQUE INDEX personas_platform_key ON personas (persona_key, version) WHERE scope = 'platform';
CREATE UNIQUE INDEX personas_org_key ON personas (org_id, persona_key, version) WHERE scope = 'org';

-- Tool backends (web_search.tavily, web_search.searxng, ...) per scope. At most one active per
-- scope and group, enforced here so concurrent activations cannot both win.
CREATE TABLE tool_provider_configs (
  id             uuid        PRIMARY KEY,
  scope          text        NOT NULL CHECK (scope IN ('platform', 'org')),
  org_id         uuid        REFERENCES orgs (id) ON DELETE CASCADE,
  -- org_id, or the zero UUID for platform rows: one key for the unique indexes.
  scope_key      uuid        NOT NULL,
  group_name     text        NOT NULL,
  provider_name  text        NOT NULL,
  is_active      boolean     NOT NULL DEFAULT false,
  api_key_sealed text,
  key_prefix     text,
  base_url       text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now(),
  CHECK ((scope = 'platform') = (org_id IS NULL))
);
CREATE UNIQUE INDEX tool_provider_configs_key ON tool_provider_configs (scope, scope_key, group_name, provider_name);
CREATE UNIQUE INDEX tool_provider_configs_one_active ON tool_provider_configs (scope, scope_key, group_name)
  WHERE is_active;

CREATE TABLE mcp_configs (
  id                  uuid        PRIMARY KEY,
  org_id              uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  name                text        NOT NULL,
  transport           text        NOT NULL CHECK (transport IN ('stdio', 'http_sse', 'streamable_http')),
  url                 text,
  command             text,
  args                jsonb       NOT NULL DEFAULT '[]',
  cwd                 text,
  env_sealed          text,
  bearer_token_sealed text,
  inherit_parent_env  boolean     NOT NULL DEFAULT false,
  call_timeout_ms     integer     NOT NULL DEFAULT 10000,
  is_active           boolean     NOT NULL DEFAULT true,
  created_at          timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at          timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE UNIQUE INDEX mcp_configs_name ON mcp_configs (org_id, name);
