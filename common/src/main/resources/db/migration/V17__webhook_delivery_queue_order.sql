-- A delivery job takes its place in the queue as of its run's creation (workers lease oldest
-- run_after first), not as of the run's end: a burst of runs queued at once no longer holds the
-- deliveries of the runs that have already ended behind the runs still waiting to start.
-- Otherwise the same as V11's function.
CREATE OR REPLACE FUNCTION webhook_enqueue_run_event() RETURNS trigger LANGUAGE plpgsql AS $$
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
  INSERT INTO jobs (id, type, payload, org_id, max_attempts, run_after)
  SELECT t.job_id, 'webhook.deliver', jsonb_build_object('delivery_id', t.delivery_id), NEW.org_id, 1000,
    least(NEW.created_at, now())
  FROM targets t;
  RETURN NULL;
END $$;
