-- Platform administration: user search, dashboard aggregates, referrals, mail settings and the
-- gateway's configuration.

-- Admin user search matches any part of login, username or email, case-insensitively.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX users_login_trgm_idx ON users USING gin (lower(login) gin_trgm_ops);
CREATE INDEX users_username_trgm_idx ON users USING gin (lower(username) gin_trgm_ops);
CREATE INDEX users_email_trgm_idx ON users USING gin (lower(email) gin_trgm_ops);
CREATE INDEX users_created_idx ON users (created_at DESC, id DESC) WHERE deleted_at IS NULL;
CREATE INDEX users_last_login_idx ON users (last_login_at) WHERE deleted_at IS NULL;
CREATE INDEX users_platform_admins_idx ON users (id) WHERE is_platform_admin AND deleted_at IS NULL;

-- Dashboard: runs of a day, and active runs of a user (suspension cancels them).
CREATE INDEX runs_created_idx ON runs (created_at);
CREATE INDEX runs_creator_active_idx ON runs (created_by_user_id)
  WHERE status IN ('running', 'waiting_for_input', 'cancelling');

CREATE INDEX invite_codes_created_idx ON invite_codes (created_at DESC, id DESC);
CREATE INDEX referrals_inviter_idx ON referrals (inviter_user_id, created_at DESC, id DESC);
CREATE INDEX referrals_invitee_idx ON referrals (invitee_user_id);
CREATE INDEX referrals_created_idx ON referrals (created_at DESC, id DESC);

-- SMTP settings stored by a platform admin; they win over the environment. One row at most.
CREATE TABLE mail_settings (
  id            boolean     PRIMARY KEY DEFAULT true CHECK (id),
  from_address  text        NOT NULL,
  smtp_host     text        NOT NULL,
  smtp_port     integer     NOT NULL CHECK (smtp_port BETWEEN 1 AND 65535),
  smtp_user     text,
  smtp_pass_enc text,
  smtp_tls_mode text        NOT NULL CHECK (smtp_tls_mode IN ('none', 'starttls', 'tls')),
  updated_at    timestamptz NOT NULL DEFAULT now()
);

-- How gateway nodes find the client address and when they refuse a request. One row at most.
CREATE TABLE gateway_config (
  id                    boolean          PRIMARY KEY DEFAULT true CHECK (id),
  ip_mode               text             NOT NULL DEFAULT 'direct' CHECK (ip_mode IN ('direct', 'proxy', 'cdn')),
  trusted_cidrs         text[]           NOT NULL DEFAULT '{}',
  risk_reject_threshold double precision NOT NULL DEFAULT 1 CHECK (risk_reject_threshold BETWEEN 0 AND 1),
  updated_at            timestamptz      NOT NULL DEFAULT now()
);
