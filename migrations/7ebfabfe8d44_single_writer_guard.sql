-- single_writer_guard
--
-- Revision ID: 7ebfabfe8d44
-- Revises: 0352e238bfe4
-- Create Date: 2026-11-24 23:31:00.000000
-- Type: Schema Addition
--
-- Defense in depth for the single-writer rule: a trigger on expenses rejects
-- INSERT, UPDATE, DELETE and TRUNCATE unless the transaction carries the
-- canonical writer's transaction-local marker (SET LOCAL finbrain.writer =
-- 'canonical'). Also the canonical writer's tables: the append-only audit
-- trail, the idempotency ledger and the per-minute SLA rollups.
-- Data migrations after this one that touch expenses must run
-- SET LOCAL finbrain.writer = 'canonical' themselves.

-- migrate:up
CREATE TABLE expense_audit (
  id bigserial PRIMARY KEY,
  expense_id bigint NOT NULL,
  operation text NOT NULL CHECK (operation IN ('create', 'update', 'delete')),
  actor text NOT NULL,
  before jsonb,
  after jsonb,
  idempotency_key text,
  at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX expense_audit_expense_id_idx ON expense_audit (expense_id, id);

CREATE TABLE writer_idempotency (
  key text PRIMARY KEY,
  operation text NOT NULL,
  request_hash text NOT NULL,
  result jsonb,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE writer_stats (
  bucket timestamptz NOT NULL,
  instance text NOT NULL,
  operation text NOT NULL,
  outcome text NOT NULL,
  count bigint NOT NULL,
  total_ms double precision NOT NULL,
  hist bigint[] NOT NULL,
  PRIMARY KEY (bucket, instance, operation, outcome)
);

CREATE FUNCTION finbrain_single_writer_guard() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  IF coalesce(current_setting('finbrain.writer', true), '') <> 'canonical' THEN
    RAISE EXCEPTION 'finbrain single-writer guard: % on %.% outside the canonical writer', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
      USING ERRCODE = '42501',
            HINT = 'Write expenses through the canonical writer (src/writer), which runs SET LOCAL finbrain.writer = ''canonical'' in each transaction.';
  END IF;
  IF TG_OP = 'DELETE' THEN
    RETURN OLD;
  END IF;
  RETURN NEW;
END
$fn$;

CREATE FUNCTION finbrain_append_only() RETURNS trigger
LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION 'finbrain audit trail: % on %.% is not allowed; the audit trail is append-only', TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME
    USING ERRCODE = '42501';
END
$fn$;

CREATE TRIGGER expenses_single_writer_guard
  BEFORE INSERT OR UPDATE OR DELETE ON expenses
  FOR EACH ROW EXECUTE FUNCTION finbrain_single_writer_guard();
CREATE TRIGGER expenses_single_writer_guard_truncate
  BEFORE TRUNCATE ON expenses
  FOR EACH STATEMENT EXECUTE FUNCTION finbrain_single_writer_guard();
CREATE TRIGGER expense_audit_insert_guard
  BEFORE INSERT ON expense_audit
  FOR EACH ROW EXECUTE FUNCTION finbrain_single_writer_guard();
CREATE TRIGGER expense_audit_append_only
  BEFORE UPDATE OR DELETE ON expense_audit
  FOR EACH ROW EXECUTE FUNCTION finbrain_append_only();
CREATE TRIGGER expense_audit_append_only_truncate
  BEFORE TRUNCATE ON expense_audit
  FOR EACH STATEMENT EXECUTE FUNCTION finbrain_append_only();

-- migrate:down
DROP TRIGGER expense_audit_append_only_truncate ON expense_audit;
DROP TRIGGER expense_audit_append_only ON expense_audit;
DROP TRIGGER expense_audit_insert_guard ON expense_audit;
DROP TRIGGER expenses_single_writer_guard_truncate ON expenses;
DROP TRIGGER expenses_single_writer_guard ON expenses;
DROP FUNCTION finbrain_append_only();
DROP FUNCTION finbrain_single_writer_guard();
DROP TABLE writer_stats;
DROP TABLE writer_idempotency;
DROP TABLE expense_audit;
