-- Compatibility with the original Arkloop clients, and speech-to-text credentials.

-- The web app's model picker lists only models where this is true.
ALTER TABLE llm_models ADD COLUMN show_in_picker boolean NOT NULL DEFAULT true;

-- Speech-to-text (ASR) credentials: an account's (org_id set) or the platform's (org_id NULL).
CREATE TABLE asr_credentials (
  id                uuid        PRIMARY KEY,
  org_id            uuid        REFERENCES orgs (id) ON DELETE CASCADE,
  provider          text        NOT NULL CHECK (provider IN ('openai', 'groq')),
  name              text        NOT NULL CHECK (name <> ''),
  -- SecretBox-sealed (AES-256-GCM, ARKLOOP_ENCRYPTION_KEY); never returned by the API.
  api_key_encrypted text        NOT NULL,
  key_prefix        text        NOT NULL,
  base_url          text,
  model             text        NOT NULL CHECK (model <> ''),
  is_default        boolean     NOT NULL DEFAULT false,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX asr_credentials_org_name_key ON asr_credentials (org_id, name) WHERE org_id IS NOT NULL;
CREATE UNIQUE INDEX asr_credentials_platform_name_key ON asr_credentials (name) WHERE org_id IS NULL;
-- One default per scope.
CREATE UNIQUE INDEX asr_credentials_org_default ON asr_credentials (org_id) WHERE is_default AND org_id IS NOT NULL;
CREATE UNIQUE INDEX asr_credentials_platform_default ON asr_credentials ((true)) WHERE is_default AND org_id IS NULL;
