-- Durable jobs: the outbox for mail, run execution and webhook delivery. The event bus only wakes
-- consumers; a job lives here until it is done, so none is lost when no consumer listens.
CREATE TABLE jobs (
  id               uuid        PRIMARY KEY,
  type             text        NOT NULL,
  payload_version  integer     NOT NULL DEFAULT 1,
  payload          jsonb       NOT NULL,
  org_id           uuid,
  status           text        NOT NULL DEFAULT 'queued'
                               CHECK (status IN ('queued', 'leased', 'done', 'failed')),
  attempts         integer     NOT NULL DEFAULT 0,
  max_attempts     integer     NOT NULL DEFAULT 5,
  run_after        timestamptz NOT NULL DEFAULT now(),
  lease_token      uuid,
  lease_owner      text,
  lease_expires_at timestamptz,
  last_error       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX jobs_ready_idx ON jobs (type, run_after) WHERE status = 'queued';
CREATE INDEX jobs_lease_idx ON jobs (lease_expires_at) WHERE status = 'leased';
