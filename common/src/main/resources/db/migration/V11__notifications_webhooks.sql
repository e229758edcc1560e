-- Notifications (per user), broadcasts (platform fan-out), webhook endpoints and their delivery log.

CREATE TABLE notification_broadcasts (
  id             uuid        PRIMARY KEY,
  type           text        NOT NULL,
  title          text        NOT NULL,
  body           text        NOT NULL,
  payload        jsonb       NOT NULL DEFAULT '{}',
  target_type    text        NOT NULL CHECK (target_type IN ('all', 'org')),
  target_id      uuid        REFERENCES orgs (id) ON DELETE CASCADE,
  status         text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'completed', 'failed')),
  sent_count     integer     NOT NULL DEFAULT 0,
  -- the fan-out's resumable cursor: every active user with a smaller or equal id has been handled
  cursor_user_id uuid,
  error          text,
  created_by     uuid        REFERENCES users (id) ON DELETE SET NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  completed_at   timestamptz,
  deleted_at     timestamptz
);
CREATE INDEX notification_broadcasts_created_idx ON notification_broadcasts (created_at DESC, id DESC)
  WHERE deleted_at IS NULL;

CREATE TABLE notifications (
  id           uuid        PRIMARY KEY,
  user_id      uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  org_id       uuid        REFERENCES orgs (id) ON DELETE CASCADE,
  type         text        NOT NULL,
  title        text        NOT NULL,
  body         text        NOT NULL,
  payload      jsonb       NOT NULL DEFAULT '{}',
  broadcast_id uuid        REFERENCES notification_broadcasts (id) ON DELETE CASCADE,
  read_at      timestamptz,
  created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX notifications_user_created_idx ON notifications (user_id, created_at DESC, id DESC);
CREATE INDEX notifications_user_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
-- a broadcast reaches a user at most once, however often its fan-out is resumed
CREATE UNIQUE INDEX notifications_broadcast_user_key ON notifications (broadcast_id, user_id)
  WHERE broadcast_id IS NOT NULL;

CREATE TABLE webhook_endpoints (
  id                         uuid        PRIMARY KEY,
  org_id                     uuid        NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
  url                        text        NOT NULL,
  events                     text[]      NOT NULL,
  enabled                    boolean     NOT NULL DEFAULT true,
  secret_sealed              text        NOT NULL,
  previous_secret_sealed     text,
  previous_secret_expires_at timestamptz,
  created_by                 uuid        REFERENCES users (id) ON DELETE SET NULL,
  failing_since              timestamptz,
  disabled_reason            text,
  created_at                 timestamptz NOT NULL DEFAULT now(),
  updated_at                 timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_endpoints_org_idx ON webhook_endpoints (org_id, created_at DESC);

CREATE TABLE webhook_deliveries (
  id                 uuid        PRIMARY KEY,
  endpoint_id        uuid        NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
  org_id             uuid        NOT NULL,
  event_type         text        NOT NULL,
  data               jsonb       NOT NULL DEFAULT '{}',
  status             text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts           integer     NOT NULL DEFAULT 0,
  last_status        integer,
  last_response_body text,
  last_error         text,
  last_duration_ms   integer,
  last_attempt_at    timestamptz,
  next_attempt_at    timestamptz,
  delivered_at       timestamptz,
  created_at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);

-- Every path that ends a run or parks it for input (the worker, the API cancelling a queued run,
-- timeouts, lost workers) changes runs.status, so the deliveries are enqueued here, in the very
-- transaction that commits the event: a delivery exists if and only if the event was committed.
-- The job's attempt limit is high on purpose: webhook.deliver counts and schedules its own retries.
CREATE FUNCTION webhook_enqueue_run_event() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event text := CASE NEW.status
    WHEN 'completed' THEN 'run.completed'
    WHEN 'failed' THEN 'run.failed'
    WHEN 'cancelled' THEN 'run.cancelled'
    WHEN 'waiting_for_input' THEN 'run.waiting_for_input'
  END;
BEGIN
  IF event IS NULL THEN
    RETURN NULL;
  END IF;
  WITH targets AS MATERIALIZED (
    SELECT e.id AS endpoint_id, gen_random_uuid() AS delivery_id, gen_random_uuid() AS job_id
    FROM webhook_endpoints e WHERE e.org_id = NEW.org_id AND e.enabled AND event = ANY (e.events)
  ), deliveries AS (
    INSERT INTO webhook_deliveries (id, endpoint_id, org_id, event_type, data, next_attempt_at)
    SELECT t.delivery_id, t.endpoint_id, NEW.org_id, event, jsonb_build_object(
        'run_id', NEW.id, 'thread_id', NEW.thread_id, 'account_id', NEW.org_id, 'status', NEW.status,
        'model', NEW.model, 'error_class', NEW.error_class, 'error_message', NEW.error_message,
        'total_input_tokens', NEW.total_input_tokens, 'total_output_tokens', NEW.total_output_tokens,
        'total_cost_usd', NEW.total_cost_usd, 'duration_ms', NEW.duration_ms,
        'created_by_user_id', NEW.created_by_user_id, 'trace_id', NEW.trace_id,
        'created_at', to_char(NEW.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')),
      now()
    FROM targets t
  )
  INSERT INTO jobs (id, type, payload, org_id, max_attempts)
  SELECT t.job_id, 'webhook.deliver', jsonb_build_object('delivery_id', t.delivery_id), NEW.org_id, 1000
  FROM targets t;
  RETURN NULL;
END $$;

CREATE TRIGGER runs_webhook_events AFTER UPDATE OF status ON runs
  FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION webhook_enqueue_run_event();
