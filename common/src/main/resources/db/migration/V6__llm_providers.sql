-- LLM providers (upstream accounts with an encrypted API key) and the models routed to them.
-- org_id NULL = a platform provider: managed by platform admins, it serves every account.

CREATE TABLE llm_providers (
  id                uuid        PRIMARY KEY,
  org_id            uuid        REFERENCES orgs (id) ON DELETE CASCADE,
  provider          text        NOT NULL CHECK (provider IN ('openai', 'anthropic')),
  name              text        NOT NULL CHECK (name <> '' AND position('^' IN name) = 0),
  -- SecretBox-sealed (AES-256-GCM, ARKLOOP_ENCRYPTION_KEY); never returned by the API.
  api_key_encrypted text        NOT NULL,
  key_prefix        text        NOT NULL,
  base_url          text,
  openai_api_mode   text        CHECK (openai_api_mode IN ('auto', 'responses', 'chat_completions')),
  advanced_json     jsonb,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
-- A name is unique in its scope: per account, and among platform providers.
CREATE UNIQUE INDEX llm_providers_org_name_key ON llm_providers (org_id, name) WHERE org_id IS NOT NULL;
CREATE UNIQUE INDEX llm_providers_platform_name_key ON llm_providers (name) WHERE org_id IS NULL;

CREATE TABLE llm_models (
  id                      uuid             PRIMARY KEY,
  provider_id             uuid             NOT NULL REFERENCES llm_providers (id) ON DELETE CASCADE,
  model                   text             NOT NULL,
  priority                integer          NOT NULL DEFAULT 0,
  is_default              boolean          NOT NULL DEFAULT false,
  tags                    text[]           NOT NULL DEFAULT '{}',
  "when"                  jsonb,
  advanced_json           jsonb,
  multiplier              double precision NOT NULL DEFAULT 1 CHECK (multiplier >= 0),
  cost_per_1k_input       double precision CHECK (cost_per_1k_input >= 0),
  cost_per_1k_output      double precision CHECK (cost_per_1k_output >= 0),
  cost_per_1k_cache_write double precision CHECK (cost_per_1k_cache_write >= 0),
  cost_per_1k_cache_read  double precision CHECK (cost_per_1k_cache_read >= 0),
  created_at              timestamptz      NOT NULL DEFAULT now(),
  updated_at              timestamptz      NOT NULL DEFAULT now()
);
-- provider^model selects exactly one model.
CREATE UNIQUE INDEX llm_models_provider_model_key ON llm_models (provider_id, model);
CREATE UNIQUE INDEX llm_models_one_default ON llm_models (provider_id) WHERE is_default;
