-- Users, accounts (orgs), memberships, teams, invitations, credentials and access control.

CREATE TABLE users (
  id                    uuid        PRIMARY KEY,
  login                 text        NOT NULL,
  username              text        NOT NULL,
  email                 text,
  email_verified        boolean     NOT NULL DEFAULT false,
  password_hash         text,
  locale                text,
  timezone              text,
  status                text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
  is_platform_admin     boolean     NOT NULL DEFAULT false,
  is_system_agent       boolean     NOT NULL DEFAULT false,
  default_org_id        uuid,
  tokens_invalid_before timestamptz,
  last_login_at         timestamptz,
  created_at            timestamptz NOT NULL DEFAULT now(),
  updated_at            timestamptz NOT NULL DEFAULT now(),
  deleted_at            timestamptz
);
CREATE UNIQUE INDEX users_login_key ON users (lower(login));
CREATE UNIQUE INDEX users_email_key ON users (lower(email)) WHERE email IS NOT NULL;

CREATE TABLE orgs (
  id            uuid        PRIMARY KEY,
  slug          text        NOT NULL UNIQUE,
  name          text        NOT NULL,
  type          text        NOT NULL CHECK (type IN ('personal', 'workspace')),
  owner_user_id uuid        REFERENCES users (id),
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE memberships (
  org_id     uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       text        NOT NULL CHECK (role IN ('account_member', 'account_admin', 'system_agent')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

ALTER TABLE users ADD CONSTRAINT users_default_org_fk FOREIGN KEY (default_org_id) REFERENCES orgs (id);

CREATE TABLE teams (
  id         uuid        PRIMARY KEY,
  org_id     uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  name       text        NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX teams_org_idx ON teams (org_id);

CREATE TABLE team_members (
  team_id    uuid        NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  role       text        NOT NULL CHECK (role IN ('member', 'admin')),
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user_idx ON team_members (user_id);

CREATE TABLE invitations (
  id                 uuid        PRIMARY KEY,
  org_id             uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  invited_by_user_id uuid        NOT NULL REFERENCES users (id),
  email              text        NOT NULL,
  role               text        NOT NULL CHECK (role IN ('account_member', 'account_admin')),
  token_hash         text        NOT NULL UNIQUE,
  expires_at         timestamptz NOT NULL,
  accepted_at        timestamptz,
  accepted_by        uuid        REFERENCES users (id),
  revoked_at         timestamptz,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitations_org_idx ON invitations (org_id, created_at DESC);

-- Refresh tokens rotate inside a family (one per login); reuse of a consumed one revokes the family.
CREATE TABLE refresh_tokens (
  id          uuid        PRIMARY KEY,
  user_id     uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  family_id   uuid        NOT NULL,
  token_hash  text        NOT NULL UNIQUE,
  expires_at  timestamptz NOT NULL,
  consumed_at timestamptz,
  revoked_at  timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX refresh_tokens_family_idx ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user_idx ON refresh_tokens (user_id);

CREATE TABLE api_keys (
  id           uuid        PRIMARY KEY,
  org_id       uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  name         text        NOT NULL,
  key_prefix   text        NOT NULL,
  key_hash     text        NOT NULL UNIQUE,
  scopes       text[]      NOT NULL DEFAULT '{}',
  revoked_at   timestamptz,
  last_used_at timestamptz,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX api_keys_org_idx ON api_keys (org_id, created_at DESC);

CREATE TABLE invite_codes (
  id         uuid        PRIMARY KEY,
  user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  code       text        NOT NULL UNIQUE,
  max_uses   integer     NOT NULL DEFAULT 10,
  use_count  integer     NOT NULL DEFAULT 0,
  is_active  boolean     NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invite_codes_user_idx ON invite_codes (user_id) WHERE is_active;

CREATE TABLE referrals (
  id              uuid        PRIMARY KEY,
  inviter_user_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  invitee_user_id uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  invite_code_id  uuid        NOT NULL REFERENCES invite_codes (id),
  credited        boolean     NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE ip_rules (
  id         uuid        PRIMARY KEY,
  org_id     uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  type       text        NOT NULL CHECK (type IN ('allowlist', 'blocklist')),
  cidr       cidr        NOT NULL,
  note       text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ip_rules_org_idx ON ip_rules (org_id);

CREATE TABLE audit_logs (
  id            uuid        PRIMARY KEY,
  org_id        uuid,
  actor_user_id uuid,
  action        text        NOT NULL,
  target_type   text,
  target_id     text,
  trace_id      text        NOT NULL,
  metadata      jsonb       NOT NULL DEFAULT '{}',
  ip_address    text,
  user_agent    text,
  before_state  jsonb,
  after_state   jsonb,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_logs_org_idx ON audit_logs (org_id, created_at DESC);
CREATE INDEX audit_logs_action_idx ON audit_logs (org_id, action, created_at DESC);
