-- Runs, their gapless event log, and the signals (cancel, input) the API leaves for the run's writer.

ALTER TABLE jobs DROP CONSTRAINT jobs_status_check;
ALTER TABLE jobs ADD CONSTRAINT jobs_status_check
  CHECK (status IN ('queued', 'leased', 'parked', 'done', 'failed'));

CREATE TABLE runs (
  id                  uuid        PRIMARY KEY,
  org_id              uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  thread_id           uuid        NOT NULL REFERENCES threads (id) ON DELETE CASCADE,
  created_by_user_id  uuid        REFERENCES users (id) ON DELETE SET NULL,
  job_id              uuid        NOT NULL,
  status              text        NOT NULL CHECK (status IN
                        ('running', 'waiting_for_input', 'cancelling', 'completed', 'failed', 'cancelled')),
  route_id            text,
  persona_id          text,
  model               text,
  options             jsonb       NOT NULL DEFAULT '{}',
  trace_id            text        NOT NULL,
  idempotency_key     text,
  request_hash        text,
  loop_state          jsonb,
  total_input_tokens  bigint,
  total_output_tokens bigint,
  cache_read_tokens   bigint,
  cache_write_tokens  bigint,
  total_cost_usd      numeric(18, 8),
  cache_hit_rate      double precision,
  credits_used        bigint,
  duration_ms         bigint,
  error_class         text,
  error_message       text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  started_at          timestamptz,
  completed_at        timestamptz,
  failed_at           timestamptz,
  cancelled_at        timestamptz,
  updated_at          timestamptz NOT NULL DEFAULT now()
);
-- At most one active run per thread, enforced by the database itself.
CREATE UNIQUE INDEX runs_one_active_per_thread ON runs (thread_id)
  WHERE status IN ('running', 'waiting_for_input', 'cancelling');
CREATE UNIQUE INDEX runs_idempotency_key ON runs (org_id, idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX runs_org_created_idx ON runs (org_id, created_at DESC, id DESC);
CREATE INDEX runs_thread_created_idx ON runs (thread_id, created_at DESC, id DESC);
CREATE INDEX runs_org_active_idx ON runs (org_id) WHERE status IN ('running', 'waiting_for_input', 'cancelling');

CREATE TABLE run_events (
  run_id     uuid        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq        bigint      NOT NULL,
  type       text        NOT NULL,
  data       jsonb       NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (run_id, seq)
);

CREATE TABLE run_signals (
  id          uuid        PRIMARY KEY,
  run_id      uuid        NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  type        text        NOT NULL CHECK (type IN ('cancel', 'input')),
  payload     jsonb       NOT NULL DEFAULT '{}',
  created_at  timestamptz NOT NULL DEFAULT now(),
  consumed_at timestamptz
);
CREATE INDEX run_signals_pending_idx ON run_signals (run_id) WHERE consumed_at IS NULL;
