-- Billing and entitlements: the credits ledger, redemption codes, plans, subscriptions,
-- entitlement overrides and feature flags.

-- One balance per account. Every change to it commits with its ledger row, so at any moment
-- balance = sum(credit_transactions.amount) of the account.
CREATE TABLE credit_balances (
  org_id     uuid        PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
  balance    bigint      NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Append-only: rows are never updated or deleted (except with their account).
CREATE TABLE credit_transactions (
  id             uuid        PRIMARY KEY,
  org_id         uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  amount         bigint      NOT NULL,
  type           text        NOT NULL CHECK (type IN ('initial_grant', 'consumption', 'adjustment', 'reset',
                               'redemption', 'invite_reward', 'invitee_reward', 'monthly_grant')),
  reference_type text,
  reference_id   text,
  thread_id      uuid,
  note           text,
  metadata       jsonb       NOT NULL DEFAULT '{}',
  actor_user_id  uuid,
  created_at     timestamptz NOT NULL DEFAULT now()
);
-- Accounts that exist before billing start with the default initial grant, so their runs keep working.
INSERT INTO credit_transactions (id, org_id, amount, type, reference_type, note)
  SELECT gen_random_uuid(), id, 1000, 'initial_grant', 'migration', 'granted when billing was introduced' FROM orgs;
INSERT INTO credit_balances (org_id, balance) SELECT id, 1000 FROM orgs;
CREATE INDEX credit_transactions_org_idx ON credit_transactions (org_id, created_at DESC, id DESC);
-- A run is debited once, whichever worker ends it.
CREATE UNIQUE INDEX credit_transactions_run_once ON credit_transactions (reference_id) WHERE type = 'consumption';
-- A referral rewards each side once; a monthly grant reaches an account once per month ('YYYY-MM').
CREATE UNIQUE INDEX credit_transactions_reward_once ON credit_transactions (org_id, type, reference_id)
  WHERE type IN ('invite_reward', 'invitee_reward', 'monthly_grant');

CREATE TABLE redemption_codes (
  id         uuid        PRIMARY KEY,
  code       text        NOT NULL UNIQUE,
  type       text        NOT NULL CHECK (type IN ('credits', 'feature')),
  value      text        NOT NULL,
  max_uses   integer     NOT NULL DEFAULT 1 CHECK (max_uses >= 1),
  use_count  integer     NOT NULL DEFAULT 0,
  is_active  boolean     NOT NULL DEFAULT true,
  expires_at timestamptz,
  batch_id   text,
  created_by_user_id uuid,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (use_count <= max_uses)
);
CREATE INDEX redemption_codes_created_idx ON redemption_codes (created_at DESC, id DESC);

CREATE TABLE redemption_code_uses (
  code_id    uuid        NOT NULL REFERENCES redemption_codes (id) ON DELETE CASCADE,
  user_id    uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  org_id     uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (code_id, user_id)
);

CREATE TABLE plans (
  id           uuid        PRIMARY KEY,
  name         text        NOT NULL UNIQUE,
  display_name text        NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE plan_entitlements (
  id         uuid PRIMARY KEY,
  plan_id    uuid NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
  key        text NOT NULL,
  value      text NOT NULL,
  value_type text NOT NULL CHECK (value_type IN ('integer', 'boolean', 'string')),
  UNIQUE (plan_id, key)
);

CREATE TABLE subscriptions (
  id                   uuid        PRIMARY KEY,
  org_id               uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  plan_id              uuid        NOT NULL REFERENCES plans (id),
  status               text        NOT NULL CHECK (status IN ('active', 'cancelled')),
  current_period_start timestamptz NOT NULL,
  current_period_end   timestamptz NOT NULL,
  cancelled_at         timestamptz,
  created_at           timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX subscriptions_one_active ON subscriptions (org_id) WHERE status = 'active';

CREATE TABLE entitlement_overrides (
  id                 uuid        PRIMARY KEY,
  org_id             uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  key                text        NOT NULL,
  value              text        NOT NULL,
  value_type         text        NOT NULL CHECK (value_type IN ('integer', 'boolean', 'string')),
  reason             text,
  expires_at         timestamptz,
  created_by_user_id uuid,
  created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX entitlement_overrides_org_idx ON entitlement_overrides (org_id, key);

CREATE TABLE feature_flags (
  id                     uuid        PRIMARY KEY,
  key                    text        NOT NULL UNIQUE,
  description            text,
  default_value          boolean     NOT NULL,
  supports_org_overrides boolean     NOT NULL DEFAULT true,
  created_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE feature_flag_overrides (
  flag_id    uuid        NOT NULL REFERENCES feature_flags (id) ON DELETE CASCADE,
  org_id     uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  enabled    boolean     NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (flag_id, org_id)
);
