-- single_writer_guard
--
-- Revision ID: c4d1e8a9b0f2
-- Revises: 30b14b696ef7
-- Create Date: 2026-11-24 23:30:00.000000
-- Type: Schema Addition
-- Author: finbrain
--
-- Defense in depth for the single-writer rule: a trigger on expenses rejects
-- INSERT, UPDATE, DELETE and TRUNCATE unless the transaction carries the
-- canonical writer's transaction-local marker (SET LOCAL finbrain.writer =
-- 'canonical'). Also adds the writer's audit trail, its idempotency records
-- and the per-minute rollups the SLA monitor reads.

-- migrate:up
CREATE TABLE expense_audit (
    id         bigserial PRIMARY KEY,
    expense_id bigint NOT NULL,
    action     text NOT NULL CHECK (action IN ('create', 'update', 'delete', 'import')),
    actor      text NOT NULL,
    before     jsonb,
    after      jsonb,
    at         timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX ix_expense_audit_expense ON expense_audit (expense_id, at);

CREATE TABLE expense_requests (
    idempotency_key text PRIMARY KEY,
    operation       text NOT NULL,
    result          jsonb NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE expense_writer_stats (
    bucket      timestamptz NOT NULL,
    operation   text NOT NULL,
    outcome     text NOT NULL,
    count       bigint NOT NULL DEFAULT 0,
    total_ms    double precision NOT NULL DEFAULT 0,
    -- latency histogram: counts at or under 5, 10, 25, 50, 100, 250, 500, 1000 ms, and above
    buckets     bigint[] NOT NULL DEFAULT '{0,0,0,0,0,0,0,0,0}',
    PRIMARY KEY (bucket, operation, outcome)
);

-- current_setting(…, true) is NULL when never set and '' after an earlier
-- SET LOCAL ended, so coalesce and accept only the exact marker.
CREATE FUNCTION finbrain_single_writer_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('finbrain.writer', true), '') <> 'canonical' THEN
        RAISE EXCEPTION 'finbrain single-writer guard: % on % is only allowed through the canonical expense writer', TG_OP, TG_TABLE_NAME
            USING ERRCODE = '42501',
                  HINT = 'Write expenses through the canonical writer (src/writer); it sets SET LOCAL finbrain.writer = ''canonical'' in its transactions.';
    END IF;
    IF TG_LEVEL = 'STATEMENT' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER expenses_single_writer_rows
    BEFORE INSERT OR UPDATE OR DELETE ON expenses
    FOR EACH ROW EXECUTE FUNCTION finbrain_single_writer_guard();

-- TRUNCATE fires no row triggers: it needs its own statement trigger.
CREATE TRIGGER expenses_single_writer_truncate
    BEFORE TRUNCATE ON expenses
    FOR EACH STATEMENT EXECUTE FUNCTION finbrain_single_writer_guard();

-- migrate:down
DROP TRIGGER expenses_single_writer_truncate ON expenses;
DROP TRIGGER expenses_single_writer_rows ON expenses;
DROP FUNCTION finbrain_single_writer_guard();
DROP TABLE expense_writer_stats;
DROP TABLE expense_requests;
DROP TABLE expense_audit;
